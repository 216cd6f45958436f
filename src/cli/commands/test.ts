import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { parseShard } from "../../regression/plan-cases.js";
import { reportedCaseCount } from "../../regression/repeats.js";
import type { CaseResult } from "../../regression/results.js";
import { parseDuration } from "../../regression/run-deadline.js";
import { runTests } from "../../regression/run-tests.js";
import { driveReporters } from "../../reporters/drive-reporters.js";
import { printConsoleSummary } from "../console-summary.js";
import { emptyRunExitCode } from "../empty-run-exit.js";
import type { GlobalOptions } from "../main.js";
import { reportersFromFlags } from "../reporters-from-flags.js";
import { versionFromFlags } from "../version-flags.js";

export interface TestCommandOptions extends GlobalOptions {
  ids: string[];
  providers: string | undefined;
  /** `--version`: `3`, `v3` or `env:production`; the draft when neither it nor `env` is given. */
  version: string | undefined;
  /** `--env`: the versions active in that environment. */
  env: string | undefined;
  filter: string | undefined;
  since: string | undefined;
  shard: string | undefined;
  repeat: string | undefined;
  concurrency: string | undefined;
  retries: string | undefined;
  timeout: string | undefined;
  /** `600000`, `90s`, `10m`, `1h`. */
  maxDuration: string | undefined;
  maxCost: string | undefined;
  cache: boolean;
  boundary: boolean;
  baseline: string | undefined;
  failOnRegression: boolean;
  judgePairwise: boolean;
  reporter: string[];
  output: string | undefined;
  outputDir: string | undefined;
  /** --json: the JSON results on stdout. */
  json: boolean;
  /** false with --no-progress. */
  progress: boolean;
  junitStrict: boolean;
  /** --pass-with-no-tests: a run that selects nothing exits 0. */
  passWithNoTests: boolean;
  /** --push: push the test records (refs/notes/promptops) a passing run of published versions writes. */
  push: boolean;
}

/** Exit codes of a run that Ctrl-C (SIGINT) or a CI's cancel (SIGTERM) stopped: 128 + the signal. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export async function runTestCommand(options: TestCommandOptions): Promise<number> {
  const version = versionFromFlags(options);
  const config = loadConfigOrThrow(options.cwd);
  const reporters = reportersFromFlags(options, config.root);
  const driver = driveReporters(reporters);
  const controller = new AbortController();
  let interrupts = 0;
  let stoppedBy: keyof typeof SIGNAL_EXIT_CODES | undefined;
  const onInterrupt = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    interrupts++;
    if (interrupts > 1) process.exit(SIGNAL_EXIT_CODES[signal]);
    stoppedBy = signal;
    process.stderr.write("\nstopping: finishing reports for what ran (Ctrl-C again to quit at once)\n");
    controller.abort(new Error("interrupted"));
  };
  // SIGTERM is how CI systems cancel a job: stop the same way, so the reports still get written.
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    const run = await runTests({
      cwd: options.cwd,
      config,
      ids: options.ids,
      ...(options.providers
        ? {
            providers: options.providers
              .split(",")
              .map((p) => p.trim())
              .filter(Boolean),
          }
        : {}),
      ...(version ? { version } : {}),
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.shard ? { shard: parseShard(options.shard) } : {}),
      ...optionalNumber("repeat", options.repeat, 1),
      ...optionalNumber("concurrency", options.concurrency, 1),
      ...optionalNumber("retries", options.retries, 0),
      ...optionalNumber("timeoutMs", options.timeout, 1),
      ...(options.maxDuration === undefined ? {} : { maxDurationMs: parseMaxDuration(options.maxDuration) }),
      ...(options.maxCost === undefined ? {} : { maxCostUsd: parseNumber("--max-cost", options.maxCost, 0) }),
      noCache: !options.cache,
      boundary: options.boundary,
      ...(options.baseline ? { baseline: options.baseline } : {}),
      failOnRegression: options.failOnRegression,
      judgePairwise: options.judgePairwise,
      signal: controller.signal,
      onWarning: ({ message, hint }) => process.stderr.write(`warning: ${message}\n  hint: ${hint}\n`),
      // Progress counts cases as reported: the samples of a --repeat case are one.
      onPlanned: (cases) => driver.onPlanned(reportedCaseCount(cases)),
      onCaseFinished: (result) => driver.onCaseFinished(result),
    });
    const results = {
      ...(run.shard ? { shard: run.shard } : {}),
      summary: run.summary,
      results: run.results,
      ...(run.baseline ? { baseline: run.baseline } : {}),
    };
    const outputs = await driver.finish(results);
    printConsoleSummary(reporters, results, outputs, { projectRoot: run.projectRoot, cwd: options.cwd });
    for (const note of run.notes) process.stderr.write(`note: ${note}\n`);
    // Reports are written first: a stopped run still leaves what finished.
    if (stoppedBy && run.cancelled) return SIGNAL_EXIT_CODES[stoppedBy];
    if (run.empty) return emptyRunExitCode(run.empty, options.passWithNoTests, options.cwd);
    if (version && isWholeSuite(options) && !run.cancelled) await writeTestRecords(options, run.results);
    return run.passed ? 0 : 1;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

/** A test record says "the suite passed": a run narrowed by --filter, --since or --shard does not say so. */
function isWholeSuite(options: TestCommandOptions): boolean {
  return !options.filter && !options.since && !options.shard;
}

async function writeTestRecords(options: TestCommandOptions, results: CaseResult[]) {
  const { recordTestRun } = await import("../../governance/record-test-run.js");
  // Where the JSON results go to stdout, records are said on stderr.
  const out = options.json || options.output === "-" ? process.stderr : process.stdout;
  const say = (line: string) => out.write(`${line}\n`);
  try {
    const recorded = await recordTestRun({ cwd: options.cwd, results, push: options.push });
    for (const record of recorded.records)
      say(`recorded: test record for ${record.prompt} v${record.version} (refs/notes/promptops)`);
    for (const skipped of recorded.skipped) say(`note: ${skipped}`);
    if (recorded.pushed) say(`pushed refs/notes/promptops (${recorded.pushed})`);
  } catch (error) {
    // Records live in git: a run outside a repository (test --env needs none) has nowhere to put them.
    if (error instanceof PromptOpsError && error.code === "not-a-git-repo") return;
    throw error;
  }
}

/**
 * Bounds of the numeric flags: beyond them a value is a typo or an attack, not a plan. A `--timeout`
 * past setTimeout's limit (2^31-1 ms) would fire at once; `--repeat 1e9` would plan a billion cases.
 * The config's `test:` keys have the same bounds (schemas/config.schema.json; a test keeps them equal).
 */
export const NUMERIC_FLAG_MAXIMUMS: Readonly<Record<string, number>> = {
  repeat: 1000,
  concurrency: 1000,
  retries: 100,
  timeoutMs: 86_400_000,
};

function optionalNumber<K extends string>(
  key: K,
  text: string | undefined,
  min: number,
): Partial<Record<K, number>> {
  if (text === undefined) return {};
  const flag = `--${key === "timeoutMs" ? "timeout" : key}`;
  // Every whole-number flag has a bound: a key without one of its own gets setTimeout's limit.
  const max = Object.hasOwn(NUMERIC_FLAG_MAXIMUMS, key) ? NUMERIC_FLAG_MAXIMUMS[key] : 2 ** 31 - 1;
  const value = parseNumber(flag, text, min, max);
  if (!Number.isInteger(value))
    throw new PromptOpsError("bad-flag", `${flag} expects a whole number, got "${text}"`, { exitCode: 2 });
  return { [key]: value } as Partial<Record<K, number>>;
}

function parseNumber(flag: string, text: string, min: number, max = Number.MAX_VALUE): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_VALUE ? `a number >= ${min}` : `a number from ${min} to ${max}`;
    throw new PromptOpsError("bad-flag", `${flag} expects ${range}, got "${text}"`, {
      exitCode: 2,
    });
  }
  return value;
}

function parseMaxDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new PromptOpsError("bad-flag", `--max-duration expects a duration, got "${text}"`, {
      hint: "milliseconds (600000) or a number with ms, s, m or h (90s, 10m, 1.5h)",
      exitCode: 2,
    });
  return ms;
}
