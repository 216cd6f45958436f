import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { rewriteCallSites } from "../../../src/interop/rewrite/rewrite-call-sites.js";
import { expectPromptOpsError } from "../../helpers/expect-error.js";
import { fixtureExtractResult, JS_APP_PROMPTS, TS_APP_PROMPTS } from "./fixture-extract-result.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyOf(app: string): string {
  const root = mkdtempSync(join(tmpdir(), "promptops-rewrite-"));
  dirs.push(root);
  cpSync(join(FIXTURES, "extract", app), root, { recursive: true });
  return root;
}

/** Every file of the app, by path: to prove that a refused rewrite wrote nothing. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(root, "src")))
    files[name] = readFileSync(join(root, "src", name), "utf8");
  return files;
}

const options = (root: string) => ({ root, env: "production" });

/** The whole ts-app rewrite is refused with `message`, and not a byte of the app changes. */
async function expectTsAppRefused(root: string, message: string): Promise<void> {
  const before = snapshot(root);
  await expect(
    rewriteCallSites(fixtureExtractResult(root, TS_APP_PROMPTS), options(root)),
  ).rejects.toMatchObject({ code: "rewrite-refused", message: expect.stringContaining(message) });
  expect(snapshot(root)).toEqual(before);
}

describe("extract --write rewrites each call site to render its prompt from the lockfile", () => {
  it.each([
    ["ts-app", TS_APP_PROMPTS, ["classify.ts", "few-shot.ts", "prompts.ts", "summarize.ts", "support.ts"]],
    ["js-app", JS_APP_PROMPTS, ["legacy.cjs", "prompts.cjs", "prompts.js", "triage.js"]],
  ] as const)(
    "%s: only the prompt properties, what they leave unused, and one import change",
    async (app, prompts, changed) => {
      const root = copyOf(app);
      const before = snapshot(root);
      await rewriteCallSites(fixtureExtractResult(root, prompts), options(root));
      const after = snapshot(root);
      for (const name of Object.keys(after)) {
        const golden = join(FIXTURES, "rewrite", app, "src", `${name}.golden`);
        if (changed.includes(name as never)) expect(after[name], name).toBe(readFileSync(golden, "utf8"));
        else expect(after[name], name).toBe(before[name]);
      }
      expect(Object.keys(after).sort()).toEqual([...new Set([...Object.keys(before), ...changed])].sort());
    },
  );

  it("writes nothing, and says where, when one call site is not where extract found it", async () => {
    const root = copyOf("ts-app");
    const result = fixtureExtractResult(root, TS_APP_PROMPTS);
    const before = snapshot(root);
    // The file changed between extract and --write: the property is now elsewhere.
    const summarize = result.prompts.find((p) => p.id === "summarize/summarize-ticket")!;
    summarize.replacedProperties[0]!.span.start += 1;
    const error = await rewriteCallSites(result, options(root)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expectPromptOpsError(
      () => {
        throw error;
      },
      {
        code: "rewrite-refused",
        message:
          /src\/summarize\.ts:14:23: summarize\/summarize-ticket: the property "system" is not where extract found it/,
      },
    );
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses to replace a prompts module it did not write", async () => {
    const root = copyOf("ts-app");
    writeFileSync(join(root, "src", "prompts.ts"), "export const prompts = ['mine'];\n");
    await expectTsAppRefused(root, "prompts.ts exists and was not written by promptops");
  });

  it("leaves a call site with a rewrite blocker as written, and rewrites the others", async () => {
    const root = copyOf("ts-app");
    const result = fixtureExtractResult(root, TS_APP_PROMPTS);
    result.prompts.find((p) => p.id === "classify/classify-message")!.rewriteBlockers.push("unprovable");
    const before = snapshot(root);
    const outcome = await rewriteCallSites(result, options(root));
    expect(outcome.leftAlone.map((p) => p.id)).toEqual(["classify/classify-message"]);
    expect(snapshot(root)["classify.ts"]).toBe(before["classify.ts"]);
    expect(snapshot(root)["few-shot.ts"]).not.toBe(before["few-shot.ts"]);
  });

  it("keeps the request's key order: properties that are not side by side are refused", async () => {
    const root = copyOf("js-app");
    const file = join(root, "src", "triage.js");
    // temperature between system and messages: a spread would send it after both.
    const text = readFileSync(file, "utf8").replace(
      "    temperature: 0.3,\n    system,\n",
      "    system,\n    temperature: 0.3,\n",
    );
    writeFileSync(file, text);
    const prompts = JS_APP_PROMPTS.filter((p) => p.id === "triage/draft-reply");
    await expect(rewriteCallSites(fixtureExtractResult(root, prompts), options(root))).rejects.toMatchObject({
      code: "rewrite-refused",
      message: expect.stringContaining(
        "system, messages would be sent in another place among the request's keys",
      ),
    });
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(existsSync(join(root, "src", "prompts.js"))).toBe(false);
  });

  it("keeps a constant something else still uses, and names the registry promptRegistry where prompts is taken", async () => {
    const root = copyOf("js-app");
    const file = join(root, "src", "triage.js");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const prompts = [RULES];\n`);
    const prompts = JS_APP_PROMPTS.filter((p) => p.id === "triage/triage-ticket");
    await rewriteCallSites(fixtureExtractResult(root, prompts), options(root));
    const after = readFileSync(file, "utf8");
    expect(after).toContain('import { prompts as promptRegistry } from "./prompts.js";');
    expect(after).toContain('messages: promptRegistry.messages("triage/triage-ticket", {');
    expect(after).toContain("const RULES = `Reply with JSON only");
  });

  it("refuses a TypeScript file that may compile to CommonJS: its prompts module could not use top-level await", async () => {
    const root = copyOf("ts-app");
    writeFileSync(join(root, "package.json"), '{ "name": "acme-support-api", "private": true }\n');
    const before = snapshot(root);
    await expect(
      rewriteCallSites(fixtureExtractResult(root, TS_APP_PROMPTS), options(root)),
    ).rejects.toMatchObject({
      code: "rewrite-refused",
      message: expect.stringContaining("support.ts: Node would load it as CommonJS or as an ES module"),
      hint: expect.stringMatching(
        /^if the app runs as ES modules, add "type": "module" to package\.json;.* and \d+ more: /,
      ),
    });
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses, without hanging, a package.json that is a FIFO: the module format is then unknown", async () => {
    const root = copyOf("ts-app");
    rmSync(join(root, "package.json"));
    execFileSync("mkfifo", [join(root, "package.json")]);
    await expectTsAppRefused(root, "support.ts: Node would load it as CommonJS or as an ES module");
  });

  it("puts back every file already written when a later write fails, and removes the module it created", async () => {
    const root = copyOf("ts-app");
    const before = snapshot(root);
    let writes = 0;
    const writeFile = async (file: string, text: string) => {
      if (++writes === 3)
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      writeFileSync(file, text);
    };
    await expect(
      rewriteCallSites(fixtureExtractResult(root, TS_APP_PROMPTS), { ...options(root), writeFile }),
    ).rejects.toMatchObject({ code: "rewrite-write-failed", message: expect.stringContaining("ENOSPC") });
    expect(writes).toBe(3);
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses, without hanging, a FIFO where the prompts module goes", async () => {
    const root = copyOf("ts-app");
    execFileSync("mkfifo", [join(root, "src", "prompts.ts")]);
    await expect(
      rewriteCallSites(fixtureExtractResult(root, TS_APP_PROMPTS), options(root)),
    ).rejects.toMatchObject({
      code: "rewrite-write-failed",
      message: expect.stringContaining("prompts.ts is not a regular file"),
    });
    expect(readFileSync(join(root, "src", "support.ts"), "utf8")).toBe(
      readFileSync(join(FIXTURES, "extract", "ts-app", "src", "support.ts"), "utf8"),
    );
  });
});
