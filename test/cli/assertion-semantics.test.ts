import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseResult, RunResults } from "../../src/regression/results.js";
import type { FakeReply, FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { userText } from "../fixtures/runner/runner-project.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// The built CLI (`npm run build` first), in a git repository, on OpenAI and Anthropic at once: a
// team checks how replies end, what JSON an app can parse, near matches, code blocks and a
// weighted score, as it would with promptfoo.
const KEY = "sk-assertion-semantics-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;

const config = `promptsDir: prompts
providers: [openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest]
test: { concurrency: 4, retries: 0, timeoutMs: 10000, allowJavascript: true }
`;

const prompt = `messages:
  - role: user
    content: "{{ question }}"
variables:
  question: { type: string }
tests:
  - name: a long answer cut off by the token limit
    vars: { question: "long answer" }
    assert:
      - finish-reason: stop
  - name: a short answer ends on its own
    vars: { question: "short answer" }
    assert:
      - finish-reason: end_turn
  - name: the reply is raw JSON an app can parse
    vars: { question: "fenced json" }
    assert:
      - is-json: true
  - name: a fence is fine when the app strips it
    vars: { question: "fenced json" }
    assert:
      - is-json: { allowFence: true }
      - json-schema: { schema: { type: object, required: [category] }, allowFence: true }
  - name: JSON somewhere in a chatty reply
    vars: { question: "chatty json" }
    assert:
      - contains-json: { type: object, required: [category] }
  - name: close enough to the canned text
    vars: { question: "canned" }
    assert:
      - levenshtein: { to: "Your order has shipped.", max-distance: 5 }
  - name: a block's last expression decides
    vars: { question: "short answer" }
    assert:
      - javascript: |
          const words = output.trim().split(/\\s+/);
          words.length < 10
  - name: facts carry the weight, tone does not sink the test
    vars: { question: "short answer" }
    threshold: 0.7
    assert:
      - contains: "Done"
        weight: 3
      - icontains: "thank you"
      - equals: "{{ question }}"
        weight: 0
`;

function reply(request: FakeRequest): FakeReply {
  const asked = userText(request);
  if (asked === "long answer")
    return {
      text: "The refund policy allows returns within",
      finishReason: request.api === "anthropic" ? "max_tokens" : "length",
    };
  if (asked === "fenced json") return '```json\n{"category": "billing"}\n```';
  if (asked === "chatty json") return 'Sure! {"category": "billing"} Anything else?';
  if (asked === "canned") return "Your order has been shipped.";
  return "Done.";
}

beforeEach(async () => {
  repo = await makeTempRepo();
  await repo.write(".gitignore", ".promptops/\n");
  await repo.write("promptops.config.yaml", config);
  await repo.write("prompts/support.prompt.yaml", prompt);
  await repo.commit("support prompt and its tests");
  server.reply = reply;
});
afterEach(() => repo.cleanup());

const env = () => ({
  OPENAI_BASE_URL: server.openaiBaseURL,
  OPENAI_API_KEY: KEY,
  ANTHROPIC_BASE_URL: server.anthropicBaseURL,
  ANTHROPIC_API_KEY: KEY,
});

async function runTests(): Promise<{ code: number; stdout: string; report: RunResults }> {
  const run = await runCli(["test", "--reporter", "pretty", "--reporter", "json", "--output-dir", "out"], {
    cwd: repo.root,
    env: env(),
  });
  const report: RunResults = JSON.parse(readFileSync(join(repo.root, "out", "results.json"), "utf8"));
  return { code: run.code, stdout: run.stdout, report };
}

const onBoth = (report: RunResults, test: string): CaseResult[] => {
  const found = report.results.filter((r) => r.test === test);
  expect(found.map((r) => r.provider).sort()).toEqual([
    "anthropic:claude-3-5-haiku-latest",
    "openai:gpt-4o-mini",
  ]);
  return found;
};
const messages = (result: CaseResult) => result.assertions.map((a) => a.message).join("\n");

describe("assertions that mean what a team expects", () => {
  it("a reply cut off by the token limit fails finish-reason: stop, in either vendor's words", async () => {
    const { code, stdout, report } = await runTests();
    expect(code).toBe(1);
    expect(stdout).toContain("the reply was cut off by the token limit (finish reason length)");
    for (const result of onBoth(report, "a long answer cut off by the token limit")) {
      expect(result.status).toBe("fail");
      expect(result.finishReason).toBe("length");
      expect(messages(result)).toContain('expected finish reason "stop"; it is "length"');
    }
    const anthropic = onBoth(report, "a long answer cut off by the token limit").find((r) =>
      r.provider.startsWith("anthropic"),
    );
    expect(messages(anthropic!)).toContain('(reported as "max_tokens")');
    for (const result of onBoth(report, "a short answer ends on its own")) expect(result.status).toBe("pass");
  });

  it("a cached re-run keeps the finish reason, so the verdicts do not change", async () => {
    const first = await runTests();
    const sent = server.stats.total;
    const second = await runTests();
    expect(server.stats.total).toBe(sent);
    const verdicts = (report: RunResults) =>
      report.results.map((r) => `${r.provider} ${r.test}: ${r.status} ${r.finishReason}`).sort();
    expect(second.report.results.every((r) => r.cached)).toBe(true);
    expect(verdicts(second.report)).toEqual(verdicts(first.report));
  });

  it("is-json is the strict reading an app's JSON.parse makes, with an opt-in for a fence", async () => {
    const { report } = await runTests();
    for (const result of onBoth(report, "the reply is raw JSON an app can parse")) {
      expect(result.status).toBe("fail");
      expect(messages(result)).toContain("write `is-json: { allowFence: true }`");
    }
    for (const result of onBoth(report, "a fence is fine when the app strips it"))
      expect(result.status).toBe("pass");
  });

  it("contains-json, levenshtein and a javascript block without return pass as written", async () => {
    const { report } = await runTests();
    for (const test of [
      "JSON somewhere in a chatty reply",
      "close enough to the canned text",
      "a block's last expression decides",
    ])
      for (const result of onBoth(report, test)) expect(`${test}: ${result.status}`).toBe(`${test}: pass`);
  });

  it("a test with a threshold passes on its weighted score, and the reports say so", async () => {
    const { stdout, report } = await runTests();
    for (const result of onBoth(report, "facts carry the weight, tone does not sink the test")) {
      expect(result).toMatchObject({ status: "pass", score: 0.75, threshold: 0.7 });
      expect(result.assertions.map((a) => [a.type, a.pass, a.weight])).toEqual([
        ["contains", true, 3],
        ["icontains", false, undefined],
        ["equals", false, 0],
      ]);
    }
    expect(stdout).toContain("facts carry the weight, tone does not sink the test [openai:gpt-4o-mini]");
    expect(stdout).toMatch(/facts carry the weight.*weighted score 0\.75, threshold 0\.7/);
  });

  it("validate points at a misspelt finish reason and an out-of-range threshold", async () => {
    await repo.write(
      "prompts/support.prompt.yaml",
      prompt
        .replace("finish-reason: stop", "finish-reason: lenght")
        .replace("threshold: 0.7", "threshold: 70"),
    );
    const result = await runCli(["validate"], { cwd: repo.root });
    expect(result.code).toBe(1);
    const out = result.stdout + result.stderr;
    expect(out).toContain(
      "prompts/support.prompt.yaml:10:24: error: tests.0.assert.0.finish-reason must be one of",
    );
    expect(out).toContain('found "lenght" (did you mean "length"?)');
    expect(out).toContain("tests.7.threshold must be <= 1 (found 70)");
  });
});
