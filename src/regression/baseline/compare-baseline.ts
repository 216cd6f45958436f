import { roundUsd } from "../../providers/pricing.js";
import { weightedScore } from "../assertions/weighted-score.js";
import { unsentResult } from "../case-results.js";
import type { CaseResult, TokenCounts } from "../results.js";
import { summarise } from "../summarise.js";
import type {
  BaselineReport,
  BaselineVerdict,
  CaseBaseline,
  CaseChange,
  CaseDelta,
  MissingBaseline,
} from "./baseline-results.js";
import { diffLabel, OutputDiffs } from "./output-diffs.js";
import { type BaselinePlan, type BaselineVersion, pairKey } from "./plan-baseline.js";

export interface BaselineComparison {
  plan: BaselinePlan;
  /** The run's results, as reported. */
  current: readonly CaseResult[];
  /** The results of plan.cases, grouped into cases the same way as the current ones. */
  baseline: readonly CaseResult[];
  /** The list price of a result's tokens, cached or not; null when unpriced. */
  price(result: CaseResult): number | null;
  /** Diffs worked out during the run, if any. */
  diffs?: OutputDiffs;
}

/**
 * Each result with its baseline twin attached, and the verdict per prompt × provider. Twins are
 * matched by prompt, test and provider, in order, so it holds whether results are samples or cases.
 */
export function compareWithBaseline(input: BaselineComparison): {
  results: CaseResult[];
  report: BaselineReport;
} {
  const { plan, price } = input;
  const diffs = input.diffs ?? new OutputDiffs();
  const twins = new Map<string, CaseResult[]>();
  for (const result of input.baseline) {
    const key = pairKey(result);
    const list = twins.get(key);
    if (list) list.push(result);
    else twins.set(key, [result]);
  }
  const results = input.current.map((result): CaseResult => {
    const version = plan.versions.get(result.prompt);
    if (!version || result.boundary?.rejectedBySchema) return result;
    const key = pairKey(result);
    const twin = version.same
      ? { ...result, cached: true, costUsd: 0 }
      : (twins.get(key)?.shift() ?? notRun(result, version, plan.unfit.get(key)));
    return { ...result, baseline: describeTwin(result, twin, version, price, diffs) };
  });
  const spent = summarise(input.baseline, 0);
  return {
    results,
    report: summariseBaseline(plan.ref, results, plan.missing, {
      tokens: spent.tokens,
      costUsd: spent.costUsd,
    }),
  };
}

/** The verdicts from results that carry their baseline (a run's, or merged shards'). */
export function summariseBaseline(
  ref: string,
  results: readonly CaseResult[],
  missing: MissingBaseline[],
  spent: { tokens: TokenCounts; costUsd: number | null },
): BaselineReport {
  const groups = new Map<string, Array<CaseResult & { baseline: CaseBaseline }>>();
  for (const result of results) {
    if (!result.baseline) continue;
    const key = JSON.stringify([result.prompt, result.provider]);
    const group = groups.get(key);
    const compared = result as CaseResult & { baseline: CaseBaseline };
    if (group) group.push(compared);
    else groups.set(key, [compared]);
  }
  const verdicts = [...groups.values()].map((cases): BaselineVerdict => {
    const count = (change: CaseChange) => cases.filter((c) => c.baseline.change === change).length;
    const regressed = count("regressed");
    const improved = count("improved");
    const passes = (status: string) => (status === "pass" ? 1 : 0);
    const passDelta = cases.reduce((n, c) => n + passes(c.status) - passes(c.baseline.status), 0);
    const deltas = cases.flatMap((c) => (c.baseline.delta ? [c.baseline.delta] : []));
    const scores = deltas.flatMap((d) => (d.score === null ? [] : [d.score]));
    const first = cases[0]!;
    return {
      prompt: first.prompt,
      provider: first.provider,
      version: first.baseline.version,
      verdict: regressed > 0 ? "regressed" : improved > 0 ? "improved" : "unchanged",
      cases: cases.length,
      compared: deltas.length,
      regressed,
      improved,
      passDelta: round(passDelta / cases.length),
      scoreDelta: scores.length > 0 ? round(scores.reduce((n, s) => n + s, 0) / scores.length) : null,
      tokensDelta: {
        input: deltas.reduce((n, d) => n + d.tokens.input, 0),
        output: deltas.reduce((n, d) => n + d.tokens.output, 0),
      },
      costDelta: deltas.some((d) => d.costUsd === null)
        ? null
        : roundUsd(deltas.reduce((n, d) => n + d.costUsd!, 0)),
      latencyDelta:
        deltas.length > 0 ? Math.round(deltas.reduce((n, d) => n + d.latencyMs, 0) / deltas.length) : 0,
    };
  });
  return { ref, verdicts, missing, tokens: spent.tokens, costUsd: spent.costUsd };
}

function describeTwin(
  result: CaseResult,
  twin: CaseResult,
  version: BaselineVersion,
  price: (result: CaseResult) => number | null,
  diffs: OutputDiffs,
): CaseBaseline {
  const change = changeOf(result, twin);
  const score = meanScore(twin);
  const replied = result.status !== "error" && twin.status !== "error";
  let delta: CaseDelta | undefined;
  if (replied) {
    const now = meanScore(result);
    const [priceNow, priceThen] = [price(result), price(twin)];
    delta = {
      score: now === null || score === null ? null : round(now - score),
      tokens: {
        input: result.tokens.input - twin.tokens.input,
        output: result.tokens.output - twin.tokens.output,
      },
      costUsd: priceNow === null || priceThen === null ? null : roundUsd(priceNow - priceThen),
      latencyMs: result.latencyMs - twin.latencyMs,
    };
  }
  return {
    version: version.version,
    hash: version.hash,
    status: twin.status,
    output: twin.output,
    ...(twin.toolCalls ? { toolCalls: twin.toolCalls } : {}),
    cached: twin.cached,
    tokens: twin.tokens,
    costUsd: twin.costUsd,
    latencyMs: twin.latencyMs,
    score,
    assertions: twin.assertions,
    ...(twin.error !== undefined ? { error: twin.error } : {}),
    diff: diffs.diff(
      { label: diffLabel(result.prompt, version.version), output: twin.output },
      { label: diffLabel(result.prompt, result.version), output: result.output },
    ),
    change,
    ...(delta ? { delta } : {}),
  };
}

function changeOf(result: CaseResult, twin: CaseResult): CaseChange {
  if (result.status === "error" || twin.status === "error") return "not-compared";
  if (twin.status === "pass" && result.status === "fail") return "regressed";
  if (twin.status === "fail" && result.status === "pass") return "improved";
  return "unchanged";
}

/** The weighted mean of its assertions' scores, as the test's threshold reads it (weight 0 not counted). */
function meanScore(result: CaseResult): number | null {
  if (result.status === "error") return null;
  return weightedScore(result.assertions) ?? null;
}

/** The twin of a case that was never sent: its variables do not fit that version, or the run stopped. */
function notRun(result: CaseResult, version: BaselineVersion, unfit: string | undefined): CaseResult {
  return unsentResult(
    { ...result, version: version.version, hash: version.hash },
    unfit ?? "not run on the baseline (the run stopped first)",
  );
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
// Costs per call are fractions of a cent: keep the digits, lose the float dust.
