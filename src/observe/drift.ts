import type { ProjectConfig } from "../config/config.js";
import { lexicalSimilarity } from "../regression/judge/similarity.js";
import { type RecordedCase, readTestRuns, type SkippedRun } from "./test-runs.js";

/** Defaults of `drift`'s thresholds (documented in the README). */
// 0.8: the default threshold of `similar` (DEFAULT_SIMILAR_THRESHOLD), so drift and tests agree on "alike".
export const DRIFT_DEFAULTS = { minSimilarity: 0.8, maxPassRateChange: 0.25 } as const;

export interface DriftOptions {
  ids: readonly string[];
  since: number | undefined;
  /** The newest output moved when its best similarity to an earlier output is below this. */
  minSimilarity: number;
  /** The pass rate moved when it differs from the earlier runs' mean by more than this. */
  maxPassRateChange: number;
}

export type DriftKind = "output" | "pass-rate";

export interface DriftCase {
  prompt: string;
  version: number | string;
  hash: string;
  test: string;
  provider: string;
  /** Earlier runs this case was compared with. */
  earlierRuns: number;
  passRate: { before: number; now: number };
  /** Best lexical similarity of the newest output to an earlier one (1 = same wording). */
  similarity: number;
  moved: DriftKind[];
  output: string;
  /** The latest earlier output, for the reader to compare. */
  previousOutput: string;
}

export interface DriftReport {
  /** The newest run's record name under .promptops/runs/, or null when there is none. */
  newestRun: string | null;
  /** Cases of the newest run compared with at least one earlier run. */
  cases: DriftCase[];
  drifted: number;
  /** Cases of the newest run with nothing earlier to compare (new test, new hash, new model). */
  withoutHistory: number;
  /** Cases skipped: errors (a provider failure is not drift) or served from the response cache. */
  skipped: { errors: number; cached: number };
  skippedRuns: SkippedRun[];
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
const keyOf = (c: RecordedCase) => JSON.stringify([c.prompt, c.hash, c.test, c.provider]);

/**
 * For the same prompt hash, test and model, compares the newest run's outputs and pass rates with
 * the earlier runs': the prompt did not change, so what moved is the model (or the provider).
 * Similarity is `similar`'s lexical measure, best over the earlier outputs, so sampling noise
 * between earlier runs does not by itself read as drift.
 */
export async function detectDrift(config: ProjectConfig, options: DriftOptions): Promise<DriftReport> {
  const { runs, skipped: skippedRuns } = await readTestRuns(config, options.since);
  const wanted = options.ids.length > 0 ? new Set(options.ids) : undefined;
  const relevant = runs
    .map((run) => ({ ...run, cases: run.cases.filter((c) => !wanted || wanted.has(c.prompt)) }))
    .filter((run) => run.cases.length > 0);
  const newest = relevant.at(-1);
  const report: DriftReport = {
    newestRun: newest?.name ?? null,
    cases: [],
    drifted: 0,
    withoutHistory: 0,
    skipped: { errors: 0, cached: 0 },
    skippedRuns,
  };
  if (!newest) return report;

  const earlier = new Map<string, RecordedCase[]>(); // oldest first
  for (const run of relevant.slice(0, -1)) {
    for (const c of run.cases) {
      if (c.status === "error") continue;
      const list = earlier.get(keyOf(c)) ?? [];
      list.push(c);
      earlier.set(keyOf(c), list);
    }
  }
  for (const now of newest.cases) {
    if (now.status === "error") {
      report.skipped.errors++;
      continue;
    }
    // A cached reply is an earlier reply again, not a new observation of the model.
    if (now.cached) {
      report.skipped.cached++;
      continue;
    }
    const before = earlier.get(keyOf(now));
    if (!before || before.length === 0) {
      report.withoutHistory++;
      continue;
    }
    const similarity = Math.max(...before.map((b) => lexicalSimilarity(now.output, b.output)));
    const passBefore = before.reduce((sum, b) => sum + b.passRate, 0) / before.length;
    const moved: DriftKind[] = [];
    if (similarity < options.minSimilarity) moved.push("output");
    if (Math.abs(now.passRate - passBefore) > options.maxPassRateChange) moved.push("pass-rate");
    if (moved.length > 0) report.drifted++;
    report.cases.push({
      prompt: now.prompt,
      version: now.version,
      hash: now.hash,
      test: now.test,
      provider: now.provider,
      earlierRuns: before.length,
      passRate: { before: round(passBefore), now: round(now.passRate) },
      similarity: round(similarity),
      moved,
      output: now.output,
      previousOutput: before.at(-1)?.output ?? "",
    });
  }
  return report;
}
