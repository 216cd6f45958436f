import { relative, resolve, sep } from "node:path";
import { mapStrings, redactSecrets } from "../redact-secrets.js";
import type { CaseResult, RunSummary, TokenCounts } from "../regression/results.js";
import { CANCELLED } from "../regression/run-deadline.js";
import { truncate } from "../text/truncate.js";
import { formatRepeats } from "./format-repeats.js";

// C0 and C1 controls but tab and newline: escape sequences or carriage returns in a model's reply
// would repaint a terminal, and NUL and friends make a Markdown or log file unreadable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text safe to show: line breaks as \n, other control characters replaced with U+FFFD. */
export function printable(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "\uFFFD");
}

/** A copy of results with every string redacted and printable: what the text reporters show. */
export function shownStrings<T>(value: T): T {
  return mapStrings(value, (text) => printable(redactSecrets(text)));
}

/** "support-agent" for the draft, "support-agent v3" for a published version (as `promptops log` says). */
export function promptLabel(result: CaseResult): string {
  return result.version === "draft" ? result.prompt : `${result.prompt} v${result.version}`;
}

export function caseTitle(result: CaseResult): string {
  return `${promptLabel(result)} › ${result.test} [${result.provider}]`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

// Made on first use: Intl loads its ICU data then (~13 ms), which a run that prints no token
// count (json reporter only, or a failed start) should not pay at start-up.
let thousands: Intl.NumberFormat | undefined;
function count(n: number): string {
  thousands ??= new Intl.NumberFormat("en-US");
  return thousands.format(n);
}

export function formatTokens(tokens: TokenCounts): string {
  return `${count(tokens.input)} in / ${count(tokens.output)} out tokens`;
}

/**
 * Never "$0.0000" for a cost that is merely small, and never a number for an unknown one; nothing
 * spent (echo, cached replies) is "$0".
 */
export function formatCost(costUsd: number | null): string {
  if (costUsd === null) return "cost unknown";
  if (costUsd === 0) return "$0";
  if (costUsd > 0 && costUsd < 0.00005) return "<$0.0001";
  return `$${costUsd.toFixed(costUsd >= 1 ? 2 : 4)}`;
}

/** A run's duration, tokens and cost, in the order every report shows them. */
export function formatTotals(summary: RunSummary): string[] {
  return [formatMs(summary.durationMs), formatTokens(summary.tokens), formatCost(summary.costUsd)];
}

export function formatCounts(summary: RunSummary): string {
  const errors = `${summary.errors} ${summary.errors === 1 ? "error" : "errors"}`;
  return `${summary.passed} passed, ${summary.failed} failed, ${errors}, ${summary.total} total`;
}

/** The first `max` characters, cut between code points (never half an emoji), with "…" when cut. */
export function excerpt(text: string, max = 300): string {
  return truncate(text, max);
}

/** For a failed case the messages of its failed assertions; for an error, the error text. */
export function problemMessages(result: CaseResult): string[] {
  // A repeated case: its verdict over the samples first, then what went wrong in the sample shown.
  const { repeats, ...single } = result;
  if (repeats)
    return [formatRepeats(repeats), ...problemMessages(single).map((m) => `sample ${repeats.shown}: ${m}`)];
  if (result.status === "error") return [result.error?.trim() || "the case ended with an unknown error"];
  const failed = result.assertions
    .filter((a) => !a.pass)
    .map((a) => `${a.type}${a.weight === undefined ? "" : ` (weight ${a.weight})`}: ${a.message}`);
  // Under a threshold the score decides: it comes first, then the assertions that lowered it.
  const score = formatScore(result);
  // A reply cut off by the token limit explains most failures after it (JSON that does not parse).
  const cut =
    result.status === "fail" && result.finishReason === "length"
      ? ["the reply was cut off by the token limit (finish reason length)"]
      : [];
  if (score !== undefined && result.status === "fail")
    return [`${score}: below the threshold`, ...failed, ...cut];
  if (result.status === "fail" && failed.length === 0)
    return ["the case failed, but no assertion says why", ...cut];
  return [...failed, ...cut];
}

/** "weighted score 0.6, threshold 0.7" for a case of a test with a threshold; undefined otherwise. */
export function formatScore(result: CaseResult): string | undefined {
  if (result.threshold === undefined || result.score === undefined) return undefined;
  return `weighted score ${result.score}, threshold ${result.threshold}`;
}

export function isProblem(result: CaseResult): boolean {
  return result.status !== "pass";
}

/** A case Ctrl-C stopped before it finished: an error in every report, one count on the console. */
export function isCancelled(result: CaseResult): boolean {
  return result.status === "error" && result.error === CANCELLED;
}

/** `213 cases cancelled`: the one line the console gives the cases an interrupted run never finished. */
export function formatCancelled(results: readonly CaseResult[]): string {
  const n = results.filter(isCancelled).length;
  return n === 0 ? "" : `${n} ${n === 1 ? "case" : "cases"} cancelled`;
}

/** A case of an `allow-fail` test that did not pass: shown, but never as what fails the run. */
export const ALLOWED_TO_FAIL = "allowed to fail";

/** " (allowed to fail)" after an allowed failure's title; "" for any other case. */
export function allowedNote(result: CaseResult): string {
  return result.allowedFailure ? ` (${ALLOWED_TO_FAIL})` : "";
}

/** Whether some case failed or errored that its test does not allow to: what fails the run. */
export function hasBlockingProblem(results: readonly CaseResult[]): boolean {
  return results.some((r) => r.status !== "pass" && !r.allowedFailure);
}

/** formatCounts, and how many of the failures and errors were allowed, when some were. */
export function formatRunCounts(summary: RunSummary, results: readonly CaseResult[]): string {
  const allowed = results.filter((r) => r.allowedFailure).length;
  return allowed > 0 ? `${formatCounts(summary)} (${allowed} ${ALLOWED_TO_FAIL})` : formatCounts(summary);
}

/** A test's file as the user would type it from `from` (the cwd, or the repository root in CI). */
export function locationPath(file: string, projectRoot: string, from: string): string {
  const path = relative(from, resolve(projectRoot, file));
  return sep === "/" ? path : path.split(sep).join("/");
}

export interface ResultGroup {
  /** promptLabel of its cases. */
  prompt: string;
  provider: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  errors: number;
}

/** Cases per prompt version × provider, in order of first appearance. */
export function groupByPromptAndProvider(results: readonly CaseResult[]): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const result of results) {
    const prompt = promptLabel(result);
    const key = JSON.stringify([prompt, result.provider]);
    let group = groups.get(key);
    if (!group) {
      group = { prompt, provider: result.provider, cases: [], passed: 0, failed: 0, errors: 0 };
      groups.set(key, group);
    }
    group.cases.push(result);
    if (result.status === "pass") group.passed++;
    else if (result.status === "fail") group.failed++;
    else group.errors++;
  }
  return [...groups.values()];
}
