import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { type NodeResult, runNode } from "../helpers/run-node.js";
import {
  buildLockfile,
  DIST,
  makeTempDir,
  requireBuild,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

let dir: TempDir;
beforeEach(() => {
  requireBuild();
  dir = makeTempDir("promptops-cjs-");
  writeFileSync(
    dir.path("promptops.lock"),
    serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })),
  );
});
afterEach(() => dir.cleanup());

function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeResult> {
  return runNode(args, { cwd: dir.root, env });
}

describe("the runtime as applications load it (the build output)", () => {
  it("a CommonJS app can require() it and render (require(esm): no top-level await in the graph)", async () => {
    const app = dir.path("app.cjs");
    writeFileSync(
      app,
      `const { loadPrompts } = require(${JSON.stringify(join(DIST, "runtime", "index.js"))});
loadPrompts({ lockfile: "promptops.lock", env: "production" }).then((prompts) => {
  const messages = prompts.messages("support-agent", { userMessage: "Refund?", customer: { name: "Ann", plan: "pro" } });
  process.stdout.write(JSON.stringify(messages));
});
`,
    );
    const { code, stdout, stderr } = await node([app]);
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { role: "system", content: "You are Ava (prompt v3), talking to Ann.\nPoint to status.acme.cloud." },
      { role: "user", content: "Refund?" },
    ]);
  });

  it("loads neither git, the CLI, a provider SDK, nor anything found by path", async () => {
    const log = dir.path("modules.log");
    const tracker = pathToFileURL(join(DIST, "..", "bench", "track-modules.mjs")).href;
    const script = `const { loadPrompts } = await import(${JSON.stringify(pathToFileURL(join(DIST, "runtime", "index.js")).href)});
const prompts = await loadPrompts({ lockfile: "promptops.lock", env: "production" });
prompts.anthropic("support-agent", { userMessage: "Hi", customer: { name: "Ann", plan: "pro" } });`;
    const { code, stderr } = await node(["--import", tracker, "--input-type=module", "-e", script], {
      PROMPTOPS_BENCH_MODULE_LOG: log,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
    expect(modules.some((url) => url.includes("/dist/runtime/index.js"))).toBe(true);
    // package-root finds files by path, which fails inside an application's bundle.
    const forbidden =
      /\/dist\/(git|cli|versions|testing|providers)\/|\/dist\/package-root\.js|\/node_modules\/(commander|chalk|openai|@anthropic-ai|yaml)\/|node:child_process/;
    expect(modules.filter((url) => forbidden.test(url))).toEqual([]);
    // Templates are evaluated by our own evaluator: Nunjucks' parser is loaded, its code generator is not.
    expect(modules.some((url) => url.includes("/node_modules/nunjucks/src/parser.js"))).toBe(true);
    expect(
      modules.filter((url) =>
        /\/node_modules\/nunjucks\/(index\.js|src\/(compiler|environment)\.js)/.test(url),
      ),
    ).toEqual([]);
  });
});
