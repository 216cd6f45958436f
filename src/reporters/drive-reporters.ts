import type { CaseResult, RunResults } from "../regression/results.js";
import type { Reporter, ReporterOutput, RunProgress } from "./reporter.js";

/** The glue between the runner's callbacks (onPlanned, onCaseFinished) and a set of reporters. */
export interface ReporterDriver {
  /** The number of cases planned; before it is known, progress counts up to the cases seen. */
  onPlanned(total: number): void;
  onCaseFinished(result: CaseResult): void;
  /** Finishes every reporter, in order; one failing does not stop the others from writing. */
  finish(results: RunResults): Promise<ReporterOutput[]>;
}

export function driveReporters(reporters: readonly Reporter[]): ReporterDriver {
  const progress: RunProgress = { done: 0, total: 0, passed: 0, failed: 0, errors: 0 };
  return {
    onPlanned(total) {
      progress.total = total;
    },
    onCaseFinished(result) {
      progress.done++;
      if (result.status === "pass") progress.passed++;
      else if (result.status === "fail") progress.failed++;
      else progress.errors++;
      progress.total = Math.max(progress.total, progress.done);
      for (const reporter of reporters) reporter.onCaseFinished?.(result, { ...progress });
    },
    async finish(results) {
      const outputs: ReporterOutput[] = [];
      const failures: unknown[] = [];
      // One at a time: reporters sharing stdout must not interleave.
      for (const reporter of reporters) {
        try {
          outputs.push(await reporter.finish(results));
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
      return outputs;
    },
  };
}
