import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterEach, beforeEach, expect, it } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { runNode } from "../helpers/run-node.js";
import {
  buildLockfile,
  DIST,
  makeTempDir,
  requireBuild,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

// @opentelemetry/api is an optional peer: an app that does not install it must still bundle, and
// only asking for otel: true then fails, with a code and a hint, at start-up.

const APP = (otel: string) => `import { loadPrompts } from "promptops";
loadPrompts({ lockfile: "promptops.lock", env: "production", observe: { otel: ${otel} } }).then(
  (prompts) => process.stdout.write(JSON.stringify({ traceId: prompts.prepare("support-agent", { userMessage: "Hi", customer: { name: "Ann", plan: "pro" } }).traceId })),
  (error) => process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } })),
);
`;

let source: TempDir;
let deploy: TempDir;
beforeEach(() => {
  requireBuild();
  source = makeTempDir("promptops-otel-src-");
  mkdirSync(source.path("node_modules"));
  symlinkSync(join(DIST, ".."), source.path("node_modules/promptops"), "dir");
  deploy = makeTempDir("promptops-otel-deploy-");
  writeFileSync(
    deploy.path("promptops.lock"),
    serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })),
  );
});
afterEach(() => {
  source.cleanup();
  deploy.cleanup();
});

async function bundleAndRun(otel: string) {
  writeFileSync(source.path("app.js"), APP(otel));
  await build({
    entryPoints: [source.path("app.js")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: deploy.path("app.mjs"),
    logLevel: "silent",
    banner: { js: 'import { createRequire as cr } from "node:module"; const require = cr(import.meta.url);' },
  });
  return runNode([deploy.path("app.mjs")], { cwd: deploy.root });
}

it("an app bundled without @opentelemetry/api gets otel-missing from otel: true, and works without it", async () => {
  const missing = await bundleAndRun("true");
  expect(missing.stderr).toBe("");
  expect(JSON.parse(missing.stdout)).toEqual({
    error: {
      code: "otel-missing",
      message: "observe.otel is on but @opentelemetry/api cannot be loaded",
      hint: expect.stringContaining("npm install @opentelemetry/api"),
    },
  });

  const off = await bundleAndRun("false");
  expect(off.stderr).toBe("");
  expect(JSON.parse(off.stdout)).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
});
