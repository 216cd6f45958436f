import type { CaseResult, RunResults } from "./results.js";

/**
 * Whether a run passes: every case passed, except those of tests marked `allow-fail`, which are
 * reported but do not fail the run. Baselines and repeats refine this (see their modules).
 */
export function runPassed(run: RunResults, allowFail: (result: CaseResult) => boolean): boolean {
  return run.results.every((result) => result.status === "pass" || allowFail(result));
}

/**
 * --fail-on-regression: a case that passed on the baseline and fails now fails the run, even when
 * its test is allow-fail. Without the flag, regressions are reported and the verdict is runPassed's.
 */
export function regressionsAllowed(run: RunResults, failOnRegression: boolean | undefined): boolean {
  return !failOnRegression || !run.results.some((result) => result.baseline?.change === "regressed");
}
