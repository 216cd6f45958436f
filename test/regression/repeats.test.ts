import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseResult, RunResults } from "../../src/regression/results.js";
import { runTests, type TestRunOptions } from "../../src/regression/run-tests.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import type { FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { asking, copyRunnerProject, openaiEnv, userText } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

const KEY = "sk-repeats-test-0123456789abcdef";
const USAGE = { input: 1000, output: 200 };
// gpt-4o-mini: $0.15 / $0.60 per million input / output tokens.
const SAMPLE_COST = (1000 * 0.15 + 200 * 0.6) / 1_000_000;
const validateResults = schemaValidator("results");

// Two assertions, so a wrong reply scores 0.5 (max-length holds) and a right one 1.
const FLAKY_PROMPT = `model: { provider: openai, name: gpt-4o-mini }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
tests:
  - name: mostly right
    pass-rate: 0.6
    vars: { question: flaky one }
    assert:
      - contains: right
      - max-length: 100
  - name: right every time
    vars: { question: flaky two }
    assert:
      - contains: right
      - max-length: 100
  - name: mostly right despite an outage
    pass-rate: 0.6
    vars: { question: outage one }
    assert:
      - contains: right
  - name: right every time despite an outage
    vars: { question: outage two }
    assert:
      - contains: right
`;

/**
 * Scripted by arrival order per question: the second request of each "flaky" question gets a
 * wrong answer. With --concurrency 1 and no cache, samples arrive in sample order.
 */
function secondAnswerWrong() {
  const seen = new Map<string, number>();
  return (request: FakeRequest) => {
    const text = userText(request);
    const n = (seen.get(text) ?? 0) + 1;
    seen.set(text, n);
    return { text: text.startsWith("flaky") && n === 2 ? "wrong" : "right", usage: USAGE };
  };
}

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;

beforeEach(() => {
  server.reply = secondAnswerWrong();
  // The first request of each outage question is a 500 (no retries): that sample is an error.
  server.faultWhen(asking("outage one"), { status: 500 }, 1);
  server.faultWhen(asking("outage two"), { status: 500 }, 1);
  project = copyRunnerProject({ "prompts/flaky.prompt.yaml": FLAKY_PROMPT });
});
afterEach(() => project.cleanup());

function runFlaky(options: Partial<TestRunOptions> = {}) {
  return runTests({
    cwd: project.root,
    ids: ["flaky"],
    providers: ["openai:gpt-4o-mini"],
    env: openaiEnv(server, KEY),
    repeat: 3,
    concurrency: 1,
    retries: 0,
    noCache: true,
    ...options,
  });
}

const byTest = (results: readonly CaseResult[], name: string) => {
  const found = results.find((r) => r.test === name);
  if (!found) throw new Error(`no result "${name}"`);
  return found;
};
const statuses = (result: CaseResult) => result.repeats?.samples.map((s) => s.status);

describe("--repeat N with a test's pass-rate", () => {
  it("passes a case whose samples pass 2 times of 3 when its pass-rate is 0.6, and reports the spread", async () => {
    const run = await runFlaky();
    expect(server.stats.total).toBe(12);
    const mostly = byTest(run.results, "mostly right");
    expect(mostly.status).toBe("pass");
    expect(statuses(mostly)).toEqual(["pass", "fail", "pass"]);
    expect(mostly.repeats).toMatchObject({
      runs: 3,
      passed: 2,
      passRate: 0.6667,
      required: 0.6,
      // Per sample the mean of its two assertions' scores: 1, 0.5, 1.
      scores: { min: 0.5, max: 1, mean: 0.8333, stdev: 0.2357 },
      shown: 1,
    });
    expect(mostly.repeats?.samples.map((s) => [s.sample, s.score, s.output])).toEqual([
      [1, 1, "right"],
      [2, 0.5, "wrong"],
      [3, 1, "right"],
    ]);
    // The case shows a sample with its own verdict; it spent what all three did.
    expect(mostly.output).toBe("right");
    expect(mostly.assertions.every((a) => a.pass)).toBe(true);
    expect(mostly.tokens).toEqual({ input: 3 * USAGE.input, output: 3 * USAGE.output });
    expect(mostly.costUsd).toBeCloseTo(3 * SAMPLE_COST, 12);
  });

  it("fails the same 2 of 3 when the test needs every run (pass-rate 1, the default), showing the failing sample", async () => {
    const run = await runFlaky();
    const every = byTest(run.results, "right every time");
    expect(every.status).toBe("fail");
    expect(every.repeats).toMatchObject({ runs: 3, passed: 2, required: 1, shown: 2 });
    expect(every.output).toBe("wrong");
    expect(every.assertions.map((a) => [a.type, a.pass])).toEqual([
      ["contains", false],
      ["max-length", true],
    ]);
    expect(run.passed).toBe(false);
  });

  it("counts an errored sample as not passed, and calls a shortfall the errors decided an error, not a fail", async () => {
    const run = await runFlaky();
    const tolerant = byTest(run.results, "mostly right despite an outage");
    expect(statuses(tolerant)).toEqual(["error", "pass", "pass"]);
    expect(tolerant.status).toBe("pass");
    expect(tolerant.error).toBeUndefined();

    const strict = byTest(run.results, "right every time despite an outage");
    expect(strict.status).toBe("error");
    expect(strict.repeats).toMatchObject({ passed: 2, passRate: 0.6667, shown: 1 });
    expect(strict.repeats?.scores).toMatchObject({ min: 0, max: 1 });
    expect(strict.error).toMatch(/500/);
    // Two samples were paid for even though the case is an error.
    expect(strict.costUsd).toBeCloseTo(2 * SAMPLE_COST, 12);
  });

  it("reports one result per case, to the summary, the live callback and the results schema alike", async () => {
    const finished: CaseResult[] = [];
    const run = await runFlaky({ onCaseFinished: (result) => finished.push(result) });
    expect(run.results.map((r) => r.test)).toEqual([
      "mostly right",
      "right every time",
      "mostly right despite an outage",
      "right every time despite an outage",
    ]);
    expect(finished.map((r) => r.test).sort()).toEqual(run.results.map((r) => r.test).sort());
    expect(finished.every((r) => r.repeats?.runs === 3)).toBe(true);
    expect(run.summary).toMatchObject({ total: 4, passed: 2, failed: 1, errors: 1 });
    // 12 requests, 10 answered: every answered sample's tokens and cost are in the totals.
    expect(run.summary.tokens).toEqual({ input: 10 * USAGE.input, output: 10 * USAGE.output });
    expect(run.summary.costUsd).toBeCloseTo(10 * SAMPLE_COST, 12);
    const results: RunResults = { summary: run.summary, results: run.results };
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
  });

  it("sends 3 requests for 3 repeats, and a re-run sends 3 fresh ones: an earlier run's samples never answer", async () => {
    const options = { ids: ["greeting"], filter: "Ada", noCache: false, concurrency: 4 };
    const first = await runFlaky(options);
    expect(server.stats.total).toBe(3);
    expect(first.results).toHaveLength(1);
    expect(first.results[0]!.repeats?.samples.map((s) => s.cached)).toEqual([false, false, false]);

    const again = await runFlaky(options);
    expect(server.stats.total).toBe(6);
    expect(again.results[0]!.repeats?.samples.map((s) => s.cached)).toEqual([false, false, false]);
    expect(again.results[0]!.cached).toBe(false);
    expect(again.results[0]!.costUsd).toBeGreaterThan(0);

    // The cache still recorded them: a run without --repeat is answered by sample 1.
    const single = await runFlaky({ ...options, repeat: 1 });
    expect(server.stats.total).toBe(6);
    expect(single.results[0]!.cached).toBe(true);
  });

  it("keeps each case's samples in one shard, so every shard decides its cases' pass rates alone", async () => {
    const shards = await Promise.all(
      [1, 2].map((index) => runFlaky({ shard: { index, count: 2 }, noCache: false, concurrency: 4 })),
    );
    const tests = shards.map((run) => run.results.map((r) => r.test));
    expect(tests.flat().sort()).toEqual(
      [
        "mostly right",
        "mostly right despite an outage",
        "right every time",
        "right every time despite an outage",
      ].sort(),
    );
    for (const run of shards) expect(run.results.every((r) => r.repeats?.runs === 3)).toBe(true);
  });
});

describe("promptops test --repeat, the built CLI", () => {
  const promptops = (...args: string[]) =>
    runCli(["test", "flaky", "--repeat", "3", "--concurrency", "1", "--no-cache", ...args], {
      cwd: project.root,
      env: { ...openaiEnv(server, KEY), CI: "1" },
    });

  it("exits 0 when the pass rate is met, with one line for the case showing its pass rate", async () => {
    const result = await promptops("--filter", "mostly right");
    expect(result.code).toBe(0);
    // One line per case as it finishes (not one per sample), in CI's plain mode.
    const lines = result.stdout.split("\n").filter((line) => /^[✓✗!] flaky › /.test(line));
    expect(lines).toHaveLength(2);
    expect(lines).toEqual([
      expect.stringMatching(
        /^✓ flaky › mostly right \[openai:gpt-4o-mini\] \d+ms · 2\/3 passed \(67%, needs 60%\) · scores 0\.50–1\.00, mean 0\.83 ± 0\.24$/,
      ),
      expect.stringMatching(/^✓ flaky › mostly right despite an outage \[openai:gpt-4o-mini\]/),
    ]);
    expect(result.stdout).toContain("2 passed, 0 failed, 0 errors, 2 total");
  });

  it("run twice with the cache on, --repeat 3 sends 3 requests per case the second time too", async () => {
    const twice = () =>
      runCli(["test", "flaky", "--repeat", "3", "--filter", "right every time", "--retries", "0"], {
        cwd: project.root,
        env: { ...openaiEnv(server, KEY), CI: "1" },
      });
    await twice();
    const before = server.stats.total;
    const second = await twice();
    expect(second.stderr).not.toContain("internal error");
    // Two cases ("right every time", "... despite an outage"), 3 samples each.
    expect(server.stats.total - before).toBe(2 * 3);
  });

  it("exits 1 when it is not, and the JSON report has the case once, with its repeats", async () => {
    const result = await promptops(
      "--filter",
      "right every time",
      "--reporter",
      "json",
      "--output",
      "r.json",
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(readFileSync(join(project.root, "r.json"), "utf8")) as RunResults;
    expect(validateResults(report), JSON.stringify(validateResults.errors)).toBe(true);
    expect(report.summary).toMatchObject({ total: 2, passed: 0, failed: 1, errors: 1 });
    expect(report.results.map((r) => [r.test, r.status, r.repeats?.passed, r.repeats?.runs])).toEqual([
      ["right every time", "fail", 2, 3],
      ["right every time despite an outage", "error", 2, 3],
    ]);
  });
});
