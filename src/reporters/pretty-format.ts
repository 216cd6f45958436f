import type { ChalkInstance } from "chalk";
import type { CaseResult, RunResults } from "../regression/results.js";
import { formatRepeats } from "./format-repeats.js";
import {
  allowedNote,
  caseTitle,
  excerpt,
  formatCancelled,
  formatCost,
  formatMs,
  formatRunCounts,
  formatScore,
  formatTokens,
  formatTotals,
  hasBlockingProblem,
  isCancelled,
  isProblem,
  problemMessages,
} from "./format-results.js";
import { toolCallLines } from "./format-tool-calls.js";
import type { RunProgress } from "./reporter.js";

export function statusMark(result: CaseResult, c: ChalkInstance): string {
  if (result.status === "pass") return c.green("✓");
  // Allowed to fail: the same mark, in the colour of a warning rather than a failure.
  if (result.allowedFailure) return c.yellow(result.status === "fail" ? "✗" : "!");
  return result.status === "fail" ? c.red("✗") : c.yellow("!");
}

/** `✓ support-agent › mentions refund window [openai:gpt-4o-mini] 812ms` */
export function formatCaseLine(result: CaseResult, c: ChalkInstance): string {
  const cached = result.cached ? c.dim(" (cached)") : "";
  // A repeated case's verdict is over its samples; a rejected boundary input was never sent.
  const repeats = result.repeats ? c.dim(` · ${formatRepeats(result.repeats)}`) : "";
  const refused = result.boundary?.rejectedBySchema
    ? c.dim(" (rejected by the variable schema: not sent)")
    : "";
  const latency = c.dim(formatMs(result.latencyMs));
  const allowed = c.yellow(allowedNote(result));
  const scored = formatScore(result);
  const score = scored ? c.dim(` · ${scored}`) : "";
  return `${statusMark(result, c)} ${caseTitle(result)} ${latency}${cached}${repeats}${score}${refused}${allowed}`;
}

const BAR_WIDTH = 20;

/** `[██████░░░░] 12/40 ✓ 10 ✗ 1 ! 1 3.2s` */
export function formatProgressLine(progress: RunProgress, elapsedMs: number, c: ChalkInstance): string {
  const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `${c.cyan("█".repeat(filled))}${c.dim("░".repeat(BAR_WIDTH - filled))}`;
  const counts = [
    c.green(`✓ ${progress.passed}`),
    c.red(`✗ ${progress.failed}`),
    c.yellow(`! ${progress.errors}`),
  ].join(" ");
  return `${bar} ${progress.done}/${progress.total} ${counts} ${c.dim(formatMs(elapsedMs))}${c.dim(formatEta(progress, elapsedMs))}`;
}

/** ` · ETA 42s`, from the pace so far; nothing before the first case or once all are done. */
export function formatEta(progress: RunProgress, elapsedMs: number): string {
  if (progress.done === 0 || progress.done >= progress.total) return "";
  const remaining = (elapsedMs / progress.done) * (progress.total - progress.done);
  return ` · ETA ${formatMs(remaining)}`;
}

const indent = (text: string, spaces: number) =>
  text
    .split(/\r?\n/)
    .map((line) => `${" ".repeat(spaces)}${line}`)
    .join("\n");

/** Every failed or errored case: where, why (expected vs found), and what the model said. */
export function formatFailures(
  results: RunResults,
  c: ChalkInstance,
  displayFile: (file: string) => string,
): string {
  // Cases Ctrl-C stopped are not failures of the prompt: one line counts them (formatCancelled).
  const problems = results.results.filter((r) => isProblem(r) && !isCancelled(r));
  const cancelled = formatCancelled(results.results);
  if (problems.length === 0) return cancelled ? `${c.yellow(cancelled)}\n` : "";
  const out = [c.bold(c.red(`Failures (${problems.length}):`))];
  for (const result of problems) {
    const where = result.location
      ? `  ${c.dim(`${displayFile(result.location.file)}:${result.location.line}`)}`
      : "";
    out.push(
      "",
      `${statusMark(result, c)} ${c.bold(caseTitle(result))}${c.yellow(allowedNote(result))}${where}`,
    );
    for (const message of problemMessages(result)) {
      const label = result.status === "error" ? c.yellow("error: ") : "";
      out.push(indent(`${label}${message}`, 4));
    }
    if (result.output !== "") {
      out.push(c.dim("    output:"), c.dim(indent(excerpt(result.output), 6)));
    }
    const calls = toolCallLines(result);
    if (calls) out.push(c.dim("    tool calls:"), ...calls.map((line) => c.dim(indent(line, 6))));
  }
  if (cancelled) out.push("", c.yellow(cancelled));
  return `${out.join("\n")}\n`;
}

/** `10 passed, 1 failed, 1 error, 12 total · 5.3s · 4,200 in / 900 out tokens · $0.0031` */
export function formatSummaryLine(results: RunResults, c: ChalkInstance): string {
  const { summary } = results;
  const ok = !hasBlockingProblem(results.results);
  const text = formatRunCounts(summary, results.results);
  const counts = ok ? c.green(text) : c.red(text);
  const rest = formatTotals(summary);
  // Graders (llm-judge, similar's embeddings) on a line of their own: not the tested prompts' spend.
  const { judge } = summary;
  const judged = judge
    ? `${c.dim(`judge: ${judge.calls} ${judge.calls === 1 ? "call" : "calls"} · ${formatTokens(judge.tokens)} · ${formatCost(judge.costUsd)}`)}\n`
    : "";
  const { rateLimited } = summary;
  const slowed = rateLimited
    ? `${c.yellow(`rate-limited: ${rateLimited.responses} × 429, waited ${formatMs(rateLimited.waitedMs)}`)}\n`
    : "";
  return `${c.bold(counts)} ${c.dim(`· ${rest.join(" · ")}`)}\n${judged}${slowed}`;
}
