import type { AssertionResult } from "../results.js";

/**
 * The weighted mean of the scores of the assertions that count (weight > 0); undefined when none
 * counts. A weight of 0 makes an assertion informative: it is checked and shown, never counted.
 */
export function weightedScore(assertions: readonly AssertionResult[]): number | undefined {
  let total = 0;
  let weights = 0;
  for (const assertion of assertions) {
    const weight = assertion.weight ?? 1;
    total += weight * assertion.score;
    weights += weight;
  }
  return weights > 0 ? Math.round((total / weights) * 10_000) / 10_000 : undefined;
}

/** A case's verdict from its assertions, and, under a test `threshold`, the score it was held to. */
export interface AssertionsVerdict {
  pass: boolean;
  /** Set with a threshold: the weighted score the verdict was read from. */
  score?: number;
  threshold?: number;
}

/**
 * As promptfoo reads it: without a threshold every counted assertion must pass; with one, the case
 * passes when the weighted score reaches it, even if some assertions failed.
 */
export function assertionsVerdict(
  assertions: readonly AssertionResult[],
  threshold: number | undefined,
): AssertionsVerdict {
  if (threshold === undefined) return { pass: assertions.every((a) => a.pass || (a.weight ?? 1) === 0) };
  const score = weightedScore(assertions);
  // Nothing counted (every weight 0): nothing failed either; validate refuses such a test.
  return { pass: score === undefined || score >= threshold, score: score ?? 1, threshold };
}
