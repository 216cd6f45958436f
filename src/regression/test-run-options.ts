import type { ProjectConfig } from "../config/config.js";
import type { VersionRef } from "../versions/version-ref.js";
import type { CaseSelection, TestCase } from "./plan-cases.js";
import type { CaseResult } from "./results.js";

export interface TestRunOptions {
  cwd: string;
  /** The project's config, when the caller has loaded it already (from cwd). */
  config?: ProjectConfig;
  ids: string[];
  providers?: string[];
  /** Test that version of each prompt instead of its draft. */
  version?: VersionRef;
  filter?: string;
  since?: string;
  shard?: CaseSelection["shard"];
  repeat?: number;
  concurrency?: number;
  retries?: number;
  timeoutMs?: number;
  /** The run-level deadline: nothing is sent after it, requests in flight end, reports still come. */
  maxDurationMs?: number;
  noCache?: boolean;
  maxCostUsd?: number;
  /** Add generated adversarial inputs for each string variable, checked with `boundary:` assertions. */
  boundary?: boolean;
  /** `env:production` or `v3`: run every selected test on that version too and compare. */
  baseline?: string;
  /** A test that passed on the baseline and fails now fails the run, even when it is allow-fail. */
  failOnRegression?: boolean;
  /** With a baseline: a judge compares both outputs for each llm-judge rubric, in both orders. */
  judgePairwise?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Local state left unused (files under .promptops/ that git tracks), said before anything runs. */
  onWarning?(warning: { message: string; hint: string }): void;
  /** Called once the plan is known, before any request. */
  onPlanned?(cases: readonly TestCase[]): void;
  onCaseFinished?(result: CaseResult): void;
}
