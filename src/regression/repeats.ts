import { addUsd } from "../providers/pricing.js";
import { weightedScore } from "./assertions/weighted-score.js";
import { boundaryOf } from "./boundary/boundary-cases.js";
import { caseIdentity, unsentResult } from "./case-results.js";
import { sumJudgeUsage } from "./judge/judge-usage.js";
import type { TestCase } from "./plan-cases.js";
import type { CaseResult, CaseStatus, RepeatSummary, SampleResult } from "./results.js";

// With --repeat N every case is planned as N samples, each sent on every run (run-cases.ts freshSamples).
// Reports show one result per case, whatever N: the case's verdict over its samples, the details of
// one sample at the top level, and every sample under `repeats.samples`. So "every selected case
// appears in every report" holds, the summary counts cases (not requests), and the exit code follows
// the verdict, while nothing a sample said is lost.

/** Which case a sample belongs to: prompt version, test and provider. */
export function caseOf(testCase: Pick<TestCase, "promptId" | "version" | "test" | "provider">): string {
  return JSON.stringify([testCase.promptId, testCase.version, testCase.test.name, testCase.provider]);
}

/** The samples of each case together, cases in the order of their first sample. */
export function groupSamples<T extends TestCase>(cases: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const testCase of cases) {
    const key = caseOf(testCase);
    const group = groups.get(key);
    if (group) group.push(testCase);
    else groups.set(key, [testCase]);
  }
  return [...groups.values()];
}

/** How many cases the reports will show for a plan (progress counts these, not requests). */
export function reportedCaseCount(cases: readonly TestCase[]): number {
  return new Set(cases.map(caseOf)).size;
}

export interface CaseCollector {
  /** A finished sample; once every sample of its case is in, the case is reported (once). */
  add(testCase: TestCase, result: CaseResult): void;
  /** One result per case, in plan order. `sent` and their results fill in anything not added yet. */
  finish(sent: readonly TestCase[], results: readonly CaseResult[]): CaseResult[];
}

/**
 * Collects the samples of a run into one result per case and reports each case to `onCaseFinished`
 * as soon as its last sample is in, so progress and live output speak of cases.
 */
export function collectCaseResults(
  cases: readonly TestCase[],
  onCaseFinished?: (result: CaseResult) => void,
): CaseCollector {
  const groups = groupSamples(cases);
  const groupOf = new Map<string, TestCase[]>();
  for (const group of groups) for (const testCase of group) groupOf.set(testCase.key, group);
  const finished = new Map<string, CaseResult>();
  const reported = new Set<TestCase[]>();

  const add = (testCase: TestCase, result: CaseResult) => {
    if (finished.has(testCase.key)) return;
    finished.set(testCase.key, result);
    const group = groupOf.get(testCase.key);
    if (!group || reported.has(group) || !group.every((c) => finished.has(c.key))) return;
    reported.add(group);
    onCaseFinished?.(aggregate(group));
  };
  const aggregate = (group: TestCase[]) =>
    aggregateSamples(
      group.map((testCase) => ({
        testCase,
        result:
          finished.get(testCase.key) ??
          unsentResult(caseIdentity(testCase), "the runner reported no result for this sample"),
      })),
    );

  return {
    add,
    finish(sent, results) {
      sent.forEach((testCase, i) => {
        if (results[i]) add(testCase, results[i]);
      });
      return groups.map(aggregate);
    },
  };
}

/**
 * One case's result from its samples (in sample order). A single sample is reported as it is.
 * The case passes when passed samples / runs ≥ the test's `pass-rate` (default 1); an error is a
 * sample that did not pass. A case that falls short is `fail` when its failed samples alone sink
 * it, and `error` when the errors decided it (had they passed, the rate would have been met), so
 * a flaky provider is not reported as a bad prompt.
 */
export function aggregateSamples(
  samples: ReadonlyArray<{ testCase: TestCase; result: CaseResult }>,
): CaseResult {
  const first = samples[0];
  if (!first) throw new Error("a case has at least one sample");
  const label = boundaryOf(first.testCase);
  if (samples.length === 1)
    return markAllowed(first.testCase, label ? { ...first.result, boundary: label } : first.result);

  const runs = samples.length;
  const count = (status: CaseStatus) => samples.filter((s) => s.result.status === status).length;
  const passed = count("pass");
  const errors = count("error");
  const required = first.testCase.test["pass-rate"] ?? 1;
  // Compared in whole samples: 0.6 × 5 must mean 3, whatever floating point makes of it.
  const enough = (n: number) => n >= Math.ceil(required * runs - 1e-9);
  const status: CaseStatus = enough(passed) ? "pass" : enough(passed + errors) ? "error" : "fail";
  const shown = samples.find((s) => s.result.status === status) ?? first;

  const scores = samples.map((s) => sampleScore(s.result));
  const sampleResults: SampleResult[] = samples.map(({ testCase, result }, i) => ({
    sample: testCase.sample,
    status: result.status,
    score: scores[i]!,
    output: result.output,
    ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
    latencyMs: result.latencyMs,
    cached: result.cached,
    tokens: result.tokens,
    costUsd: result.costUsd,
    assertions: result.assertions,
    ...(result.error !== undefined ? { error: result.error } : {}),
  }));
  const repeats: RepeatSummary = {
    runs,
    passed,
    passRate: round(passed / runs),
    required,
    scores: spread(scores),
    shown: shown.testCase.sample,
    samples: sampleResults,
  };

  const { error: _error, judge: _judge, ...rest } = shown.result;
  // Grading is paid per sample too (llm-judge, embeddings).
  const judge = sumJudgeUsage(samples.map((s) => s.result.judge));
  return markAllowed(first.testCase, {
    ...rest,
    status,
    // What the case spent is every sample's: the run's totals are sums over cases.
    tokens: {
      input: samples.reduce((n, s) => n + s.result.tokens.input, 0),
      output: samples.reduce((n, s) => n + s.result.tokens.output, 0),
    },
    costUsd: totalCost(samples.map((s) => s.result)),
    cached: samples.every((s) => s.result.cached),
    ...(shown.result.error !== undefined ? { error: shown.result.error } : {}),
    ...(judge ? { judge } : {}),
    repeats,
    ...(label ? { boundary: label } : {}),
  });
}

/**
 * A case of an `allow-fail` test that did not pass says so itself, so every reporter can show it
 * as allowed (a warning, not a failure) and the verdict needs nothing else (run-verdict.ts).
 */
function markAllowed(testCase: TestCase, result: CaseResult): CaseResult {
  return testCase.test["allow-fail"] && result.status !== "pass"
    ? { ...result, allowedFailure: true }
    : result;
}

/** A sample's score: the weighted mean of its assertions' scores; an error, which has none, scores 0. */
export function sampleScore(result: CaseResult): number {
  if (result.status === "error") return 0;
  return weightedScore(result.assertions) ?? (result.status === "pass" ? 1 : 0);
}

/** min, max, mean and the population standard deviation (the samples are all there is). */
export function spread(values: readonly number[]): RepeatSummary["scores"] {
  const mean = values.reduce((n, v) => n + v, 0) / values.length;
  const variance = values.reduce((n, v) => n + (v - mean) ** 2, 0) / values.length;
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean: round(mean),
    stdev: round(Math.sqrt(variance)),
  };
}

/** As summarise counts it: errored samples spent nothing we know of; an unpriced reply makes it unknown. */
function totalCost(results: readonly CaseResult[]): number | null {
  if (results.every((r) => r.status === "error")) return null;
  let total: number | null = 0;
  for (const r of results) {
    if (r.status === "error") continue;
    total = addUsd(total, r.costUsd);
  }
  return total;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
