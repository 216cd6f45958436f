import { concludeRun } from "./conclude-run.js";
import { type EmptyRun, whyNothingRan } from "./empty-run.js";
import { executeRun } from "./execute-run.js";
import type { RunResults } from "./results.js";
import { readRunInputs } from "./run-inputs.js";
import { planTestRun } from "./run-plan.js";
import type { TestRunOptions } from "./test-run-options.js";

export type { TestRunOptions } from "./test-run-options.js";

export interface TestRun extends RunResults {
  projectRoot: string;
  cancelled: boolean;
  /** The run's verdict: what the exit code says (allow-fail tests and baselines considered). */
  passed: boolean;
  /** Where the run was recorded (.promptops/runs/…json). */
  recordFile: string | undefined;
  /** Things worth a line on stderr that are not results, e.g. prompts --boundary could not vary. */
  notes: string[];
  /** Set when the run selected no case at all, saying why. */
  empty?: EmptyRun;
}

/**
 * A test run in three steps: the plan (what runs where, worked out from the project, git and the
 * lockfile before anything is sent), its execution (credentials and budget checked first), and the
 * conclusion (baseline comparison, pairwise judgments, summary, verdict, the run's record).
 */
export async function runTests(options: TestRunOptions): Promise<TestRun> {
  const started = performance.now();
  const inputs = await readRunInputs(options);
  const { config, localState } = inputs;
  const plan = planTestRun(inputs.plan);
  const empty = whyNothingRan(inputs.facts, inputs.plan, plan);
  inputs.parseCache?.save(); // after planning, which asks where each test is
  const executed = await executeRun(plan, { config, localState, started }, options);
  const { summary, results, baseline, passed, recordFile, notes } = await concludeRun(
    plan,
    executed,
    { root: config.root, localState, started },
    options,
  );
  return {
    summary,
    results,
    ...(baseline ? { baseline } : {}),
    ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
    projectRoot: config.root,
    cancelled: options.signal?.aborted ?? false,
    passed,
    recordFile,
    notes,
    ...(empty ? { empty } : {}),
  };
}
