import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { runTests, type TestRun, type TestRunOptions } from "../../src/regression/run-tests.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import type { FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import {
  copyJudgeProject,
  isJudgeRequest,
  manyJudgedTests,
  requestText,
} from "../fixtures/judge/judge-project.js";
import { openaiEnv, userText } from "../fixtures/runner/runner-project.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import type { ProjectDir } from "../helpers/project-dir.js";

const validateResults = schemaValidator("results");

// Known usage, so costs are known to the digit. Tested: gpt-4o-mini at $0.15 / $0.60 per million
// tokens; judge: gpt-4o at $2.50 / $10.
const TESTED_USAGE = { input: 1000, output: 200 };
const TESTED_COST = (1000 * 0.15 + 200 * 0.6) / 1_000_000;
const JUDGE_USAGE = { input: 500, output: 50 };
const JUDGE_COST = (500 * 2.5 + 50 * 10) / 1_000_000;

const server = fakeProviderServerPerFile({ apiKey: "sk-runner-test-0123456789abcdef" });
let project: ProjectDir | undefined;
/** What the judge answers, by a text its request contains (the rubric, say); else a passing verdict. */
let verdicts: Array<[string, string]>;

beforeEach(() => {
  verdicts = [];
  server.reply = (request) => {
    if (!isJudgeRequest(request)) return { text: userText(request), usage: TESTED_USAGE };
    const text = requestText(request);
    const scripted = verdicts.find(([when]) => text.includes(when));
    return {
      text: scripted?.[1] ?? '{"score": 1, "pass": true, "reasoning": "Meets the rubric."}',
      usage: JUDGE_USAGE,
    };
  };
});
afterEach(() => project?.cleanup());

const JUDGE = 'judge: "openai:gpt-4o"';

function run(config: string, options: Partial<TestRunOptions> = {}, extra: Record<string, string> = {}) {
  project = copyJudgeProject(config, extra);
  return runTests({
    cwd: project.root,
    ids: ["support"],
    env: openaiEnv(server),
    ...options,
  });
}

/** The first request waits for a second one: a peak of 2 is reached however slow the machine. */
function holdFirstUntilTwoActive(): void {
  const reply = server.reply;
  let first = true;
  server.reply = async (request) => {
    if (first) {
      first = false;
      await server.whenActive(2);
    }
    return reply(request);
  };
}

const byTest = (run: TestRun, name: string) => run.results.find((r) => r.test === name)!;
const judgeRequests = () => server.requests.filter(isJudgeRequest);

describe("llm-judge", () => {
  it("grades by the threshold, not the judge's own pass, and shows the judge's reasoning", async () => {
    verdicts = [
      ["The reply is polite.", '{"score": 0.8, "pass": false, "reasoning": "Courteous, if brief."}'],
      ["refund window", '{"score": 0.8, "pass": true, "reasoning": "Mentions 30 days."}'],
    ];
    const result = await run(JUDGE);

    expect(byTest(result, "polite")).toMatchObject({ status: "pass" });
    expect(byTest(result, "polite").assertions).toEqual([
      {
        type: "llm-judge",
        pass: true,
        score: 0.8,
        message: "score 0.8 >= 0.7 (judge openai:gpt-4o said fail): Courteous, if brief.",
      },
    ]);
    expect(byTest(result, "precise")).toMatchObject({ status: "fail" });
    expect(byTest(result, "precise").assertions[0]).toMatchObject({
      pass: false,
      score: 0.8,
      message: "score 0.8 < 0.9 (judge openai:gpt-4o said pass): Mentions 30 days.",
    });
    expect(validateResults({ summary: result.summary, results: result.results })).toBe(true);
  });

  it("asks the judge with the shipped judge prompt: rubric, output and the test's vars, JSON schema", async () => {
    await run(JUDGE);
    const judged = judgeRequests().find((r) => requestText(r).includes("The reply is polite."))!;
    expect(judged.body.model).toBe("gpt-4o");
    expect(judged.body.messages[0]).toMatchObject({ role: "system" });
    expect(judged.body.messages[0].content).toContain("Reply with ONLY a JSON object");
    const user = judged.body.messages[1].content as string;
    expect(user).toContain("<rubric>\nThe reply is polite.\n</rubric>");
    expect(user).toContain('"question": "How do I reset my password?"');
    // The output graded is the tested model's reply (the fake echoes the question).
    expect(user).toContain("<output>\nHow do I reset my password?\n</output>");
    expect(judged.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "judgment", strict: true },
    });
  });

  it("counts the judge's tokens and cost apart from the tested prompt's, per case and for the run", async () => {
    const result = await run(JUDGE);
    for (const name of ["polite", "precise"]) {
      const judged = byTest(result, name);
      expect(judged.tokens).toEqual(TESTED_USAGE);
      expect(judged.costUsd).toBeCloseTo(TESTED_COST, 12);
      expect(judged.judge).toMatchObject({ calls: 1, tokens: JUDGE_USAGE });
      expect(judged.judge!.costUsd).toBeCloseTo(JUDGE_COST, 12);
    }
    expect(result.summary.tokens).toEqual({ input: 2000, output: 400 });
    expect(result.summary.costUsd).toBeCloseTo(2 * TESTED_COST, 12);
    expect(result.summary.judge).toMatchObject({ calls: 2, tokens: { input: 1000, output: 100 } });
    expect(result.summary.judge!.costUsd).toBeCloseTo(2 * JUDGE_COST, 12);
    expect(validateResults({ summary: result.summary, results: result.results })).toBe(true);
  });

  it("reads a verdict inside a ```json fence, with the score as a numeric string", async () => {
    verdicts = [
      ["The reply is polite.", '```json\n{"score": "0.75", "pass": true, "reasoning": "Polite."}\n```'],
    ];
    const result = await run(JUDGE);
    expect(byTest(result, "polite").assertions[0]).toMatchObject({ pass: true, score: 0.75 });
  });

  it("a judge answering prose makes the case an error that shows the reply, never a pass", async () => {
    const prose = "I think this reply is quite polite overall, nice work!";
    verdicts = [["The reply is polite.", prose]];
    const result = await run(JUDGE);

    const polite = byTest(result, "polite");
    expect(polite.status).toBe("error");
    expect(polite.error).toContain("the judge openai:gpt-4o gave no usable verdict");
    expect(polite.error).toContain(JSON.stringify(prose));
    // The tested reply is kept, and the judge's spend is still counted.
    expect(polite.output).toBe("How do I reset my password?");
    expect(polite.judge).toMatchObject({ calls: 1, tokens: JUDGE_USAGE });
    expect(byTest(result, "precise").status).toBe("pass");
    expect(result.summary).toMatchObject({ passed: 1, errors: 1 });
    expect(result.summary.judge).toMatchObject({ calls: 2 });

    // The unreadable verdict was not cached: a re-run asks the judge again (the tested reply is cached).
    server.reset();
    verdicts = [];
    const again = await runTests({ cwd: project!.root, ids: ["support"], env: openaiEnv(server) });
    expect(server.requests.map((r) => isJudgeRequest(r))).toEqual([true]);
    expect(byTest(again, "polite")).toMatchObject({ status: "pass", cached: true });
  });

  it.each([
    ["a score outside 0..1", '{"score": 7, "pass": true}', "score 7 is outside 0..1"],
    ["no score", '{"verdict": "pass"}', 'no numeric "score"'],
    ["an empty reply", "", "(an empty reply)"],
  ])("a judge giving %s makes the case an error", async (_why, reply, shown) => {
    verdicts = [["The reply is polite.", reply]];
    const result = await run(JUDGE);
    expect(byTest(result, "polite")).toMatchObject({ status: "error", assertions: [] });
    expect(byTest(result, "polite").error).toContain(shown);
  });

  it("a judge that hangs times out after its retries; the other case is unaffected", async () => {
    server.faultWhen((r) => isJudgeRequest(r) && requestText(r).includes("refund window"), { hang: true });
    const result = await run(JUDGE, { timeoutMs: 300, retries: 1 });

    const precise = byTest(result, "precise");
    expect(precise.status).toBe("error");
    expect(precise.error).toBe(
      "assertion could not run: llm-judge: the judge openai:gpt-4o failed: openai:gpt-4o: timed out (after 2 attempts)",
    );
    expect(judgeRequests().filter((r) => requestText(r).includes("refund window"))).toHaveLength(2);
    expect(byTest(result, "polite")).toMatchObject({ status: "pass" });
    // A judge that never answered cost nothing we know of; the other one did.
    expect(precise.judge).toBeUndefined();
    expect(result.summary.judge).toMatchObject({ calls: 1, tokens: JUDGE_USAGE });
  });

  it("judge calls share the run's one concurrency limit with the tested calls", async () => {
    server.latencyMs = 20;
    holdFirstUntilTwoActive();
    const result = await run(
      JUDGE,
      { ids: ["many"], concurrency: 2 },
      {
        "prompts/many.prompt.yaml": manyJudgedTests(6),
      },
    );
    expect(result.summary).toMatchObject({ total: 6, passed: 6 });
    expect(server.stats.total).toBe(12);
    expect(judgeRequests()).toHaveLength(6);
    // Judges start as tested calls finish and more tested calls wait: over one limit, never a 3rd.
    expect(server.stats.peakActive).toBe(2);
  });

  it("a judge's own `concurrency:` in the config holds its calls to that many", async () => {
    server.latencyMs = 20;
    holdFirstUntilTwoActive();
    let judging = 0;
    let peakJudging = 0;
    const reply = server.reply;
    server.reply = (request) => {
      if (isJudgeRequest(request)) {
        peakJudging = Math.max(peakJudging, ++judging);
        void request.closed.then(() => judging--);
      }
      return reply(request);
    };
    const config = `providers:
  - openai:gpt-4o-mini
  - { id: "openai:gpt-4o", kind: openai, model: gpt-4o, concurrency: 1 }
judge: "openai:gpt-4o"`;
    const result = await run(
      config,
      { ids: ["many"], providers: ["openai:gpt-4o-mini"], concurrency: 4 },
      { "prompts/many.prompt.yaml": manyJudgedTests(6) },
    );
    expect(result.summary).toMatchObject({ total: 6, passed: 6 });
    expect(judgeRequests()).toHaveLength(6);
    expect(peakJudging).toBe(1);
    expect(server.stats.peakActive).toBeGreaterThan(1);
  });

  it("a second identical run takes the judgments from the cache: no request, nothing spent", async () => {
    const first = await run(JUDGE);
    expect(judgeRequests()).toHaveLength(2);
    server.reset();
    const second = await runTests({ cwd: project!.root, ids: ["support"], env: openaiEnv(server) });
    expect(server.stats.total).toBe(0);
    expect(second.results.map((r) => r.assertions)).toEqual(first.results.map((r) => r.assertions));
    expect(second.summary.judge).toEqual({ calls: 2, tokens: { input: 1000, output: 100 }, costUsd: 0 });
  });

  it("refuses to start when the judge's key is missing, naming it, before any request", async () => {
    const error = await expectPromptOpsRejection(run('judge: "anthropic:claude-haiku-4-5"'));
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain("ANTHROPIC_API_KEY");
    expect(server.stats.total).toBe(0);
  });

  it("without a judge configured, the run refuses with exit 2 at the assertion, before any request", async () => {
    const error = await expectPromptOpsRejection(run(""));
    expect(error).toMatchObject({ code: "no-judge", exitCode: 2 });
    expect((error as Error).message).toContain("llm-judge has no judge to ask");
    expect(server.stats.total).toBe(0);
  });

  it("an assertion's own provider is the judge it asks, over the config's", async () => {
    const result = await run(
      JUDGE,
      { ids: ["own"] },
      {
        "prompts/own.prompt.yaml": `messages:
  - role: user
    content: Hello.
tests:
  - name: by another judge
    assert:
      - llm-judge: { rubric: Greets back., provider: "openai:gpt-4.1-mini" }
`,
      },
    );
    expect(result.results[0]).toMatchObject({ status: "pass" });
    expect(judgeRequests().map((r) => r.body.model)).toEqual(["gpt-4.1-mini"]);
  });

  it("config judgePrompt replaces the shipped judge prompt with the project's own", async () => {
    await run(`${JUDGE}\njudgePrompt: graders/acme-judge`);
    const texts = judgeRequests().map(requestText);
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(text).toContain("You are the ACME house grader.");
      expect(text).not.toContain("You grade the output of an AI system");
    }
    expect(texts.join("\n")).toContain("Customer asked: What is the refund window?");
  });

  it("a judgePrompt without the judge's variables stops the run before any request", async () => {
    const error = await run(
      `${JUDGE}\njudgePrompt: graders/terse`,
      {},
      {
        "prompts/graders/terse.prompt.yaml": `variables:
  rubric: { type: string }
  output: { type: string }
messages:
  - role: user
    content: "{{ rubric }}: {{ output }}"
`,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain(
      'must take the variables rubric, output and vars: unknown variable "vars"',
    );
    expect(server.stats.total).toBe(0);
  });

  it("two runs at once in one process each grade with their own judge, and count only its usage", async () => {
    const other = copyJudgeProject('judge: "openai:gpt-4.1-mini"');
    try {
      // Started together: however their cases and judges interleave, each run grades with its own.
      const [mine, theirs] = await Promise.all([
        run(JUDGE),
        runTests({ cwd: other.root, ids: ["support"], env: openaiEnv(server) }),
      ]);
      for (const [result, judge] of [
        [mine, "openai:gpt-4o"],
        [theirs, "openai:gpt-4.1-mini"],
      ] as const) {
        expect(result.results.map((r) => r.assertions[0]?.message ?? r.error)).toEqual([
          `score 1 >= 0.7 (judge ${judge} said pass): Meets the rubric.`,
          `score 1 >= 0.9 (judge ${judge} said pass): Meets the rubric.`,
        ]);
        expect(result.summary.judge?.tokens).toEqual({
          input: 2 * JUDGE_USAGE.input,
          output: 2 * JUDGE_USAGE.output,
        });
      }
      expect(
        judgeRequests()
          .map((r) => r.body.model)
          .sort(),
      ).toEqual(["gpt-4.1-mini", "gpt-4.1-mini", "gpt-4o", "gpt-4o"]);
    } finally {
      other.cleanup();
    }
  });
});

describe("similar", () => {
  const EMBEDDINGS = 'embeddings: "openai:text-embedding-3-small"';
  const similarity = (result: CaseResult) => result.assertions[0]!;

  it("scores by the cosine of the embeddings, and says so", async () => {
    server.reply = (request: FakeRequest) => ({ text: userText(request), usage: TESTED_USAGE });
    // One case per run: two cases embedding the same texts would race the embeddings cache.
    const result = await run(EMBEDDINGS, { ids: ["echoes"], filter: "close enough" });

    const close = similarity(byTest(result, "close enough"));
    expect(close.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(close).toMatchObject({
      pass: true,
      message: "similarity 0.71 (embeddings openai:text-embedding-3-small) >= 0.7",
    });
    const embedded = server.requests.filter((r) => r.path === "/v1/embeddings");
    expect(embedded).toHaveLength(1);
    expect(embedded[0]!.body).toMatchObject({ model: "text-embedding-3-small", input: ["ab", "abd"] });
    // Embedding tokens are grading spend: the fake counts ceil(length / 4) per text, 1 + 1 here.
    expect(byTest(result, "close enough").judge).toMatchObject({ calls: 1, tokens: { input: 2, output: 0 } });
    expect(byTest(result, "close enough").judge!.costUsd).toBeCloseTo((2 * 0.02) / 1_000_000, 15);
    expect(result.summary.tokens).toEqual({ input: 1000, output: 200 });

    const other = await run(EMBEDDINGS, { ids: ["echoes"], filter: "not that close" });
    expect(similarity(byTest(other, "not that close"))).toMatchObject({
      pass: false,
      message: "similarity 0.71 (embeddings openai:text-embedding-3-small) < 0.8",
    });
  });

  it("embeddings requests are retried like any call, and a re-run takes them from the cache", async () => {
    server.faultWhen((r) => r.path === "/v1/embeddings", { status: 503, retryAfterMs: "1" }, 1);
    // One case: two cases embedding the same texts would race the embeddings cache.
    const first = await run(EMBEDDINGS, { ids: ["echoes"], filter: "close enough", retries: 1 });
    expect(first.results.map((r) => r.status)).toEqual(["pass"]);
    expect(server.requests.filter((r) => r.path === "/v1/embeddings")).toHaveLength(2);

    server.reset();
    const again = await runTests({
      cwd: project!.root,
      ids: ["echoes"],
      filter: "close enough",
      env: openaiEnv(server),
    });
    expect(server.stats.total).toBe(0);
    expect(again.results.map((r) => r.assertions)).toEqual(first.results.map((r) => r.assertions));
    expect(again.summary.judge).toMatchObject({ calls: 1, costUsd: 0 });
  });

  it("falls back to a lexical measure without an embeddings provider, and says so", async () => {
    const result = await run("", { ids: ["echoes"], filter: "o" });
    expect(similarity(byTest(result, "same words"))).toEqual({
      type: "similar",
      pass: true,
      score: 1,
      message: "similarity 1 (lexical fallback: no embeddings provider configured) >= 0.8",
    });
    expect(similarity(byTest(result, "not that close"))).toMatchObject({
      pass: false,
      score: 0,
      message: "similarity 0 (lexical fallback: no embeddings provider configured) < 0.8",
    });
    expect(server.requests.filter((r) => r.path === "/v1/embeddings")).toHaveLength(0);
    expect(result.summary.judge).toBeUndefined();
  });

  it("similar to baseline without --baseline fails saying what it needs", async () => {
    const result = await run("", { ids: ["echoes"], filter: "baseline" });
    expect(similarity(byTest(result, "against the baseline"))).toMatchObject({
      pass: false,
      score: 0,
      message: "similar to baseline needs --baseline",
    });
  });

  it("an embeddings provider that has no embeddings endpoint stops the run before any request", async () => {
    const error = await run('embeddings: "anthropic:claude-haiku-4-5"', { ids: ["echoes"] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain("has no embeddings endpoint");
    expect(server.stats.total).toBe(0);
  });
});
