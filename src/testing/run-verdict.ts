import type { CaseResult, RunResults } from "./results.js";

/**
 * Whether a run passes: every case passed, except those of tests marked `allow-fail`, which are
 * reported but do not fail the run. Baselines and repeats refine this (see their modules).
 */
export function runPassed(run: RunResults, allowFail: (result: CaseResult) => boolean): boolean {
  return run.results.every((result) => result.status === "pass" || allowFail(result));
}
