import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ExtractResult } from "../../src/interop/extract/extracted-prompt.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// Issue 19 items 1-2: `promptops extract` on two small apps with their prompts written inline
// (test/fixtures/extract/README.md says what each call site is and what extract must do with it).
const FIXTURES = join(import.meta.dirname, "../fixtures/extract");
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: { NO_COLOR: "1" } });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function appRepo(app: "ts-app" | "js-app") {
  repo = await makeTempRepo();
  cpSync(join(FIXTURES, app), repo.root, { recursive: true });
}

describe("promptops extract (the built CLI, on the fixture apps)", () => {
  for (const app of ["ts-app", "js-app"] as const) {
    it(`${app}: lists every call site, writes the golden prompt files, and every file validates`, async () => {
      await appRepo(app);
      const run = await promptops("extract", "src");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const expected = join(FIXTURES, "expected", app);
      expect(run.stdout).toBe(readFileSync(join(expected, "extract-output.txt"), "utf8"));
      const golden = filesUnder(join(expected, "prompts"));
      expect(filesUnder(join(repo.root, "prompts"))).toEqual(golden);
      for (const file of golden)
        expect(readFileSync(join(repo.root, "prompts", file), "utf8"), file).toBe(
          readFileSync(join(expected, "prompts", file), "utf8"),
        );
      const validate = await promptops("validate");
      expect(validate.stdout).toContain(`${golden.length} prompts checked: 0 errors, 0 warnings`);
      expect(validate.code).toBe(0);
    });
  }

  it("--json --out: each call site in the fixtures' table has its expected outcome, the render check passes on all, paths relative", async () => {
    repo = await makeTempRepo();
    cpSync(join(FIXTURES, "ts-app"), join(repo.root, "ts-app"), { recursive: true });
    cpSync(join(FIXTURES, "js-app"), join(repo.root, "js-app"), { recursive: true });
    const run = await promptops("extract", "ts-app/src", "js-app/src", "--out", "extracted", "--json");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ExtractResult & { written: string[] };
    expect(result.written).toContain("extracted/ts-app/src/support/answer-support-question.prompt.yaml");
    expect(result.written.every((file) => existsSync(join(repo.root, file)))).toBe(true);
    const outcome = (file: string, fn: string) => {
      const prompt = result.prompts.find((p) => p.call.file === file && p.functionName === fn);
      if (prompt) return { extracted: prompt.shape, blockers: prompt.rewriteBlockers };
      const not = result.notExtracted.find((n) => n.call.file === file && n.functionName === fn);
      return not ? { notExtracted: not.reason } : undefined;
    };
    expect({
      answerSupportQuestion: outcome("ts-app/src/support.ts", "answerSupportQuestion"),
      explainRefund: outcome("ts-app/src/support.ts", "RefundDesk.explainRefund"),
      summarizeTicket: outcome("ts-app/src/summarize.ts", "summarizeTicket"),
      classifyMessage: outcome("ts-app/src/classify.ts", "classifyMessage"),
      friendlier: outcome("ts-app/src/few-shot.ts", "friendlier"),
      listOrders: outcome("ts-app/src/not-extractable.ts", "listOrders"),
      translate: outcome("ts-app/src/not-extractable.ts", "translate"),
      triageTicket: outcome("js-app/src/triage.js", "triageTicket"),
      draftReply: outcome("js-app/src/triage.js", "draftReply"),
      detectLanguage: outcome("js-app/src/legacy.cjs", "detectLanguage"),
    }).toEqual({
      answerSupportQuestion: { extracted: "openai-chat", blockers: [] },
      explainRefund: { extracted: "openai-chat", blockers: [] },
      summarizeTicket: { extracted: "anthropic-messages", blockers: [] },
      classifyMessage: { extracted: "openai-responses", blockers: [] },
      friendlier: { extracted: "openai-chat", blockers: [] },
      listOrders: { notExtracted: "`prompt` is built in a loop (line 12)" },
      translate: { notExtracted: "the content of message 1 is the result of buildSystemPrompt() (line 25)" },
      triageTicket: { extracted: "openai-chat", blockers: [] },
      draftReply: { extracted: "anthropic-messages", blockers: [] },
      detectLanguage: { extracted: "openai-chat", blockers: [] },
    });
    expect(result.prompts).toHaveLength(8);
    expect(result.notExtracted).toHaveLength(2);
    const support = result.prompts.find((p) => p.functionName === "answerSupportQuestion")!;
    expect(support.id).toBe("ts-app/src/support/answer-support-question");
    expect(support.variables).toEqual([
      { name: "customerName", expression: "customer.name", type: "string" },
      { name: "customerPlan", expression: "customer.plan", type: "string" },
      { name: "userMessage", expression: "userMessage", type: "string" },
    ]);
    expect(support.params).toEqual({ temperature: 0.2, max_tokens: 400 });
    expect(support.replacedProperties.map((r) => [r.name, r.span.file, r.span.line])).toEqual([
      ["messages", "ts-app/src/support.ts", 19],
    ]);
    const triage = result.prompts.find((p) => p.functionName === "triageTicket")!;
    expect(triage.variables.map((v) => [v.name, v.expression])).toContainEqual([
      "ticketTier",
      'ticket.tier ?? "standard"',
    ]);
    expect(triage.responseFormat).toEqual({ type: "json_object" });
    const draft = result.prompts.find((p) => p.functionName === "draftReply")!;
    expect(draft.replacedProperties.map((r) => r.name)).toEqual(["system", "messages"]);
    expect(draft.messages[0]).toEqual({
      role: "system",
      content: "You draft first replies to support tickets. Sign as the Acme support team.",
    });
  });

  it("refuses to overwrite (writing nothing), replaces with --force, and --id names a prompt by the file:line it lists", async () => {
    await appRepo("ts-app");
    expect((await promptops("extract", "src")).code).toBe(0);
    const file = join(repo.root, "prompts/classify/classify-message.prompt.yaml");
    writeFileSync(file, "# edited by hand\n");
    const again = await promptops("extract", "src");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists: nothing written");
    expect(readFileSync(file, "utf8")).toBe("# edited by hand\n");
    const renamed = await promptops(
      "extract",
      "src",
      "--id",
      "./src/classify.ts:8=triage/classify",
      "--force",
    );
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain("src/classify.ts:8:26  triage/classify  (openai-responses, 1 variable)");
    expect(readFileSync(join(repo.root, "prompts/triage/classify.prompt.yaml"), "utf8")).toContain(
      "{{ textTrim }}",
    );
    const bad = await promptops("extract", "src", "--id", "src/classify.ts:8=Bad Id", "--force");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is invalid");
    const nowhere = await promptops("extract", "src", "--id", "src/classify.ts:9=x", "--force");
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("no extracted prompt at src/classify.ts:9");
  }, 90_000);

  it("extract, then the same command with --write: the prompt files extract wrote are not in the way", async () => {
    await appRepo("ts-app");
    expect((await promptops("extract", "src")).code).toBe(0);
    const file = join(repo.root, "prompts/classify/classify-message.prompt.yaml");
    const reviewed = readFileSync(file, "utf8");
    const write = await promptops("extract", "src", "--write");
    expect(write.stderr).toBe("");
    expect(write.code).toBe(0);
    expect(write.stdout).toContain("Rewrote ");
    expect(readFileSync(file, "utf8")).toBe(reviewed);
    // Run again, the calls now render from the lockfile: nothing to rewrite, and no "publish" step for it.
    const again = await promptops("extract", "src", "--write");
    expect(again.stdout).toContain("--write: no call site to rewrite.");
    expect(again.stdout).not.toContain("Rewrote 0 call sites");
    expect(again.stdout).not.toContain("Publish and activate");
    // The calls that render from the lockfile are no inline prompts left behind.
    expect(again.stdout).not.toContain("prompts.messages(");
    expect(again.stdout).not.toContain("prompts.responses(");
    expect(readFileSync(join(repo.root, "src/classify.ts"), "utf8")).toContain(
      'prompts.responses("classify/classify-message"',
    );
  });

  it("lists a source file it cannot parse with file:line:col, extracts the rest, and exits 1", async () => {
    await appRepo("ts-app");
    writeFileSync(join(repo.root, "src/broken.ts"), "export function f( {\n  return 1;\n}\n");
    const run = await promptops("extract", "src");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Not read:\nsrc/broken.ts:2:10  syntax error: ':' expected\n");
    expect(run.stdout).toContain("Wrote 5 prompt files.");
  });

  it("loads the TypeScript compiler API for extract only: --help and validate never do", async () => {
    await appRepo("ts-app");
    // Records every CommonJS file Node compiles whose path names typescript (the compiler API is CommonJS).
    const hook = join(repo.root, "load-hook.cjs");
    writeFileSync(
      hook,
      `const Module = require("node:module");
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (/typescript/.test(filename)) require("node:fs").appendFileSync(process.env.LOAD_LOG, filename + "\\n");
  return compile.call(this, content, filename);
};
`,
    );
    const loaded = async (...args: string[]) => {
      const log = join(repo.root, `${args[0]}.log`);
      const run = await runCli(args, {
        cwd: repo.root,
        env: { NO_COLOR: "1", NODE_OPTIONS: `--require ${hook}`, LOAD_LOG: log },
      });
      expect(run.code, run.stderr).toBe(0);
      return existsSync(log) ? readFileSync(log, "utf8") : "";
    };
    expect(await loaded("--help")).toBe("");
    expect(await loaded("extract", "src")).toMatch(/typescript6[\\/]lib[\\/]typescript\.js/);
    expect(await loaded("validate")).toBe("");
  }, 60_000);
});
