import { collectCaseResults } from "../repeats.js";
import type { CaseResult } from "../results.js";
import { type CaseRunnerDeps, runCases } from "../run-cases.js";
import { baselineOutputs } from "./baseline-outputs.js";
import type { BaselinePlan } from "./plan-baseline.js";

export interface BaselineRunOptions {
  signal: AbortSignal;
  /** Settles once the tested cases are all in the caller's queue (runCases' onStarted). */
  testedStarted: Promise<void>;
  /** Each reply of the baseline side, as it comes: what it spent counts toward --max-cost. */
  onSampleFinished?(result: CaseResult): void;
}

export interface BaselineRun {
  /** One result per baseline case, grouped as the tested side's are (--repeat samples into one). */
  results: Promise<CaseResult[]>;
  /** The runner deps for the tested side: the same, but `similar: { to: baseline }` gets the twin's output. */
  currentDeps: CaseRunnerDeps;
}

/**
 * Starts the baseline's cases with the tested cases' own runner deps (same caller, so the same
 * concurrency limit, retries, timeout and cache), to run alongside them.
 */
export function startBaseline(
  plan: BaselinePlan,
  deps: CaseRunnerDeps,
  options: BaselineRunOptions,
): BaselineRun {
  const outputs = baselineOutputs(plan);
  const run = async () => {
    // Queued behind the tested cases: the run's own results come first, so progress (which counts
    // them) moves from the start, and a stop (Ctrl-C, --max-cost) leaves them whole rather than
    // half of each side.
    await options.testedStarted;
    const collected = collectCaseResults(plan.cases);
    const samples = await runCases(plan.cases, outputs.baseline(deps), {
      signal: options.signal,
      onCaseFinished: (result, testCase) => {
        outputs.settle(testCase);
        options.onSampleFinished?.(result);
        collected.add(testCase, result);
      },
    });
    return collected.finish(plan.cases, samples);
  };
  const results = run();
  results.catch(() => undefined); // awaited by the caller later: not an unhandled rejection meanwhile
  return { results, currentDeps: outputs.current(deps) };
}
