import type { CaseResult, RunResults } from "../regression/results.js";

export const REPORTER_NAMES = ["pretty", "json", "junit", "github", "markdown", "html"] as const;

export type ReporterName = (typeof REPORTER_NAMES)[number];

/** Counts after each finished case, for progress displays. */
export interface RunProgress {
  done: number;
  total: number;
  passed: number;
  failed: number;
  errors: number;
}

/** Where a reporter put what it wrote. */
export type ReportDestination =
  | { kind: "stdout" }
  | { kind: "stderr" }
  | { kind: "file"; path: string; mode: "write" | "append" };

export interface ReporterOutput {
  reporter: ReporterName;
  /** Empty when the reporter had nothing to write (github with no failures and no step summary). */
  written: ReportDestination[];
}

export interface Reporter {
  name: ReporterName;
  /** Called by the runner as each case finishes, in completion order. */
  onCaseFinished?(result: CaseResult, progress: RunProgress): void;
  /** Called once with every case of the run, even an interrupted one. */
  finish(results: RunResults): Promise<ReporterOutput>;
}
