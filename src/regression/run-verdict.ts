import type { CaseResult, RunResults } from "./results.js";

/**
 * Whether a run passes: every case passed, except those of tests marked `allow-fail`, which are
 * reported but do not fail the run. Baselines and repeats refine this (see their modules).
 */
export function runPassed(run: RunResults): boolean {
  return run.results.every((result) => result.status === "pass" || result.allowedFailure);
}

/**
 * --fail-on-regression: an allow-fail case that regressed fails the run, so it is no longer shown
 * as allowed. Without the flag, the results as they are.
 */
export function withRegressionsFailing(
  results: CaseResult[],
  failOnRegression: boolean | undefined,
): CaseResult[] {
  if (!failOnRegression) return results;
  return results.map((result) => {
    if (!result.allowedFailure || result.baseline?.change !== "regressed") return result;
    const { allowedFailure: _allowed, ...failing } = result;
    return failing;
  });
}

/**
 * --fail-on-regression: a case that passed on the baseline and fails now fails the run, even when
 * its test is allow-fail. Without the flag, regressions are reported and the verdict is runPassed's.
 */
export function regressionsAllowed(run: RunResults, failOnRegression: boolean | undefined): boolean {
  return !failOnRegression || !run.results.some((result) => result.baseline?.change === "regressed");
}
