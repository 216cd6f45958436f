import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { runTests, type TestRunOptions } from "../../src/regression/run-tests.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import {
  asking,
  copyRunnerProject,
  filesUnder,
  openaiEnv,
  userText,
} from "../fixtures/runner/runner-project.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import type { ProjectDir } from "../helpers/project-dir.js";

const validateResults = schemaValidator("results");

// Every reply reports this usage, so tokens and cost are known to the digit:
// gpt-4o-mini is $0.15 / $0.60 per million input / output tokens.
const USAGE = { input: 1000, output: 200 };
const CASE_COST = (1000 * 0.15 + 200 * 0.6) / 1_000_000;

const server = fakeProviderServerPerFile({ apiKey: "sk-runner-test-0123456789abcdef" });
let project: ProjectDir;

beforeEach(() => {
  server.reply = (request) => ({ text: userText(request), usage: USAGE });
  project = copyRunnerProject();
});
afterEach(() => project.cleanup());

function runStory(options: Partial<TestRunOptions> = {}) {
  return runTests({
    cwd: project.root,
    ids: [],
    providers: ["openai:gpt-4o-mini"],
    env: openaiEnv(server),
    ...options,
  });
}

describe("promptops test, the core", () => {
  it("runs 2 prompts × 3 tests into 6 results of the stable shape, priced from the API's usage", async () => {
    const finished: CaseResult[] = [];
    const run = await runStory({ onCaseFinished: (result) => finished.push(result) });

    expect(server.stats.total).toBe(6);
    expect(run.results.map((r) => `${r.prompt} › ${r.test}`)).toEqual([
      "greeting › greets Ada by name",
      "greeting › greets Grace by name",
      "greeting › never greets the wrong person",
      "refund › answers a refund question",
      "refund › keeps the order number",
      "refund › stays short",
    ]);
    expect(finished).toHaveLength(6);
    for (const result of run.results) {
      expect(Object.keys(result).sort()).toEqual(
        [
          "assertions",
          "cached",
          "costUsd",
          "finishReason",
          "hash",
          "latencyMs",
          "location",
          "output",
          "prompt",
          "provider",
          "status",
          "test",
          "tokens",
          "version",
        ].sort(),
      );
      expect(result).toMatchObject({
        version: "draft",
        provider: "openai:gpt-4o-mini",
        status: "pass",
        cached: false,
        finishReason: "stop",
        tokens: USAGE,
      });
      expect(result.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result.costUsd).toBeCloseTo(CASE_COST, 12);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.assertions).toHaveLength(1);
      expect(result.assertions[0]).toMatchObject({ pass: true, score: 1 });
      expect(result.assertions[0]!.message).not.toBe("");
    }
    const ada = run.results[0]!;
    expect(ada.output).toBe("Say hello to Ada.");
    expect(ada.assertions[0]!.type).toBe("contains");
    expect(ada.location).toEqual({ file: "prompts/greeting.prompt.yaml", line: expect.any(Number) });
    // Both tests of one prompt share its draft hash; the other prompt has its own.
    expect(new Set(run.results.map((r) => r.hash)).size).toBe(2);

    expect(run.summary).toMatchObject({ total: 6, passed: 6, failed: 0, errors: 0 });
    expect(run.summary.tokens).toEqual({ input: 6000, output: 1200 });
    expect(run.summary.costUsd).toBeCloseTo(6 * CASE_COST, 12);
    expect(
      validateResults({ summary: run.summary, results: run.results }),
      JSON.stringify(validateResults.errors),
    ).toBe(true);
  });

  it("records every run under .promptops/runs with its results", async () => {
    const run = await runStory();
    expect(run.recordFile).toBeDefined();
    expect(dirname(run.recordFile!)).toBe(join(project.root, ".promptops", "runs"));
    expect(run.recordFile).toMatch(/\.json$/);
    const recorded = JSON.parse(readFileSync(run.recordFile!, "utf8"));
    expect(recorded).toEqual({ summary: run.summary, results: run.results });

    const again = await runStory({ noCache: true });
    expect(again.recordFile).not.toBe(run.recordFile);
    expect(filesUnder(join(project.root, ".promptops", "runs"))).toHaveLength(2);
  });

  it("refuses to start without OPENAI_API_KEY, naming it, before any request", async () => {
    const error = await expectPromptOpsRejection(
      runStory({ env: { OPENAI_BASE_URL: server.openaiBaseURL } }),
    );
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain("OPENAI_API_KEY");
    expect(server.stats.total).toBe(0);
    expect(filesUnder(join(project.root, ".promptops"))).toEqual([]);
  });
});

describe("the response cache", () => {
  it("answers an identical second run from disk: no request, cached results, nothing spent", async () => {
    const first = await runStory();
    expect(server.stats.total).toBe(6);
    expect(first.results.every((r) => !r.cached)).toBe(true);

    const second = await runStory();
    expect(server.stats.total).toBe(6);
    expect(second.results.map((r) => r.cached)).toEqual(Array(6).fill(true));
    expect(second.results.map((r) => r.status)).toEqual(Array(6).fill("pass"));
    expect(second.results.map((r) => r.output)).toEqual(first.results.map((r) => r.output));
    expect(second.results.map((r) => r.tokens)).toEqual(first.results.map((r) => r.tokens));
    expect(second.results.map((r) => r.costUsd)).toEqual(Array(6).fill(0));
    expect(second.summary.costUsd).toBe(0);
  });

  it("says what a provider could not honour once per run, not once per reply, cached or not", async () => {
    // Every reply of a deprecated Anthropic model carries the SDK's warning as a note.
    const sonnet = {
      providers: ["anthropic:claude-sonnet-4-5"],
      env: {
        ANTHROPIC_API_KEY: "sk-runner-test-0123456789abcdef",
        ANTHROPIC_BASE_URL: server.anthropicBaseURL,
      },
    };
    const deprecation = (notes: string[]) => notes.filter((n) => n.includes("is deprecated"));
    const first = await runStory(sonnet);
    expect(server.stats.total).toBe(6);
    expect(deprecation(first.notes)).toEqual([
      expect.stringMatching(/^anthropic:claude-sonnet-4-5: The model 'claude-sonnet-4-5' is deprecated/),
    ]);
    const cached = await runStory(sonnet);
    expect(server.stats.total).toBe(6);
    expect(deprecation(cached.notes)).toEqual(deprecation(first.notes));
  });

  it("--no-cache sends every request again", async () => {
    await runStory();
    const fresh = await runStory({ noCache: true });
    expect(server.stats.total).toBe(12);
    expect(fresh.results.every((r) => !r.cached)).toBe(true);
    expect(fresh.summary.costUsd).toBeCloseTo(6 * CASE_COST, 12);
  });

  it("never keeps an error: after a failed run, a healthy server is asked again", async () => {
    server.faultWhen(asking("order 4711"), { status: 500 });
    const failing = await runStory({ retries: 0 });
    expect(failing.results.find((r) => r.test === "keeps the order number")).toMatchObject({
      status: "error",
      cached: false,
    });
    expect(server.stats.total).toBe(6);

    server.reset();
    const healthy = await runStory();
    // Only the case that errored is sent; the five good replies come from the cache.
    expect(server.stats.total).toBe(1);
    expect(userText(server.requests[0]!)).toContain("order 4711");
    expect(healthy.results.find((r) => r.test === "keeps the order number")).toMatchObject({
      status: "pass",
      cached: false,
    });
    expect(healthy.summary).toMatchObject({ passed: 6, errors: 0 });
  });

  it("a cache that cannot be written costs only the cache, never the results", async () => {
    project.write(".promptops/cache", "a file where the cache folder should be\n");
    const run = await runStory();
    expect(run.results.map((r) => r.status)).toEqual(Array(6).fill("pass"));
    expect(run.summary.costUsd).toBeCloseTo(6 * CASE_COST, 12);
  });

  it("--repeat 3 sends three samples of each case, and a re-run sends three fresh ones", async () => {
    const repeated = await runStory({ repeat: 3 });
    expect(server.stats.total).toBe(18);
    // One result per case, its three samples under `repeats` (test/regression/repeats.test.ts).
    expect(repeated.results).toHaveLength(6);
    expect(repeated.results.map((r) => r.repeats?.runs)).toEqual(Array(6).fill(3));
    const perCase = new Map<string, number>();
    for (const request of server.requests)
      perCase.set(userText(request), (perCase.get(userText(request)) ?? 0) + 1);
    expect([...perCase.values()]).toEqual(Array(6).fill(3));

    // Repeats measure the model now: an earlier run's cached samples never answer them.
    const again = await runStory({ repeat: 3 });
    expect(server.stats.total).toBe(36);
    expect(again.results.some((r) => r.cached)).toBe(false);
    // The cache recorded them: a plain run is answered by each case's first sample.
    const plain = await runStory();
    expect(server.stats.total).toBe(36);
    expect(plain.results.every((r) => r.cached)).toBe(true);
  });
});
