import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { LocalState } from "../config/local-state.js";
import { writeFileAtomicSync } from "../fs/write-file-atomic.js";
import { redactDeep } from "../redact-secrets.js";
import type { ExecutedRun } from "./execute-run.js";
import { judgePairwise } from "./judge/pairwise.js";
import type { RunResults } from "./results.js";
import { MAX_DURATION_REACHED } from "./run-deadline.js";
import type { TestRunPlan } from "./run-plan.js";
import { regressionsAllowed, runPassed, withRegressionsFailing } from "./run-verdict.js";
import { summarise } from "./summarise.js";
import type { TestRunOptions } from "./test-run-options.js";

export interface TestRunConclusion extends RunResults {
  /** The run's verdict: what the exit code says (allow-fail tests and baselines considered). */
  passed: boolean;
  /** Where the run was recorded (.promptops/runs/…json). */
  recordFile: string | undefined;
  notes: string[];
}

/**
 * What the run's results add up to: each case with its baseline twin (and, with --judge-pairwise,
 * the judges' preference), the summary, the verdict, and the run's record under .promptops/runs/.
 */
export async function concludeRun(
  plan: TestRunPlan,
  executed: ExecutedRun,
  run: { root: string; localState: LocalState; started: number },
  options: Pick<TestRunOptions, "failOnRegression">,
): Promise<TestRunConclusion> {
  const { deadline, graders, caller } = executed;
  const signal = deadline.signal;
  // --baseline: each case with its twin on the baseline version, and a verdict per prompt × provider.
  // Loaded only then, like output-diffs.ts (execute-run.ts), which it brings with the `diff` library.
  const compared =
    plan.baseline && executed.baselineResults
      ? (await import("./baseline/compare-baseline.js")).compareWithBaseline({
          plan: plan.baseline,
          current: executed.results,
          baseline: executed.baselineResults,
          price: (result) => executed.price(executed.providers.get(result.provider)!, result.tokens),
          ...(executed.diffs ? { diffs: executed.diffs } : {}),
        })
      : undefined;
  const pairwisePrompt = executed.pairwisePrompt;
  if (compared && pairwisePrompt) {
    compared.results = await judgePairwise(compared.results, plan.cases, {
      caller,
      prompt: pairwisePrompt,
      judgeProvider: graders.judgeProvider,
      record: (provider, reply) => {
        const priced = graders.record(provider, reply);
        if (!reply.cached) executed.spend(priced.costUsd ?? 0);
        return priced;
      },
      signal,
    });
  }
  deadline.dispose();
  const results = withRegressionsFailing(
    compared ? compared.results : executed.results,
    options.failOnRegression,
  );
  const notes = [...plan.notes];
  if (deadline.reached()) {
    const unfinished = results.filter((r) => r.error === MAX_DURATION_REACHED).length;
    notes.push(`--max-duration (${executed.maxDurationMs} ms) reached: ${unfinished} case(s) not finished`);
  }
  const baselineReport = compared ? { baseline: compared.report } : {};
  const summary = summarise(results, Math.round(performance.now() - run.started));
  const judgeUsage = graders.usage(); // judges and embeddings, apart from the tested prompts' totals
  if (judgeUsage) summary.judge = judgeUsage;
  const rateLimited = caller.rateLimits();
  if (rateLimited) summary.rateLimited = rateLimited;
  const recordFile = recordRun(run.root, run.localState, { summary, results, ...baselineReport });
  const passed =
    !signal.aborted &&
    runPassed({ summary, results }) &&
    regressionsAllowed({ summary, results }, options.failOnRegression);
  return {
    summary,
    results,
    ...baselineReport,
    passed,
    recordFile,
    notes: [...notes, ...executed.providerNotes],
  };
}

/**
 * Every run is kept in .promptops/runs/, for history and drift; never through a tracked symlink.
 * Whole or not at all, even when a second Ctrl-C quits during the write (writeFileAtomicSync).
 */
function recordRun(root: string, localState: LocalState, results: RunResults): string | undefined {
  const dir = join(root, ".promptops", "runs");
  if (!localState.trusts(dir)) return undefined;
  const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.json`;
  const file = join(dir, name);
  try {
    writeFileAtomicSync(file, `${JSON.stringify(redactDeep(results), null, 2)}\n`);
    return file;
  } catch {
    return undefined; // a read-only checkout: the run's reports are what matters
  }
}
