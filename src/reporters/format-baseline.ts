import type { ChalkInstance } from "chalk";
import type { BaselineVerdict, CaseBaseline, CaseDelta } from "../regression/baseline/baseline-results.js";
import { describePairwise } from "../regression/judge/pairwise-verdict.js";
import { type CaseResult, type RunResults, type TokenCounts, versionLabel } from "../regression/results.js";
import { padEndToWidth, wrapToWidth } from "../text/display-width.js";
import { caseTitle, excerpt, formatCost } from "./format-results.js";
import { toolCallsChange } from "./format-tool-calls.js";

// --baseline in the reports: the verdict per prompt × provider, and each regressed case with
// its two outputs side by side.

type Compared = CaseResult & { baseline: CaseBaseline };

export const isRegressed = (result: CaseResult): result is Compared =>
  result.baseline?.change === "regressed";

/** `+12`, `−3`; a zero without a sign. */
const signed = (n: number, text: string) => `${n > 0 ? "+" : n < 0 ? "−" : ""}${text}`;

const NONE = "—";
const scoreChange = (score: number | null) =>
  score === null ? NONE : signed(score, Math.abs(score).toFixed(2));
const tokensChange = ({ input, output }: TokenCounts) =>
  `${signed(input, `${Math.abs(input)}`)} in / ${signed(output, `${Math.abs(output)}`)} out`;
const costChange = (cost: number | null) =>
  cost === null ? "unknown" : cost === 0 ? "$0" : signed(cost, formatCost(Math.abs(cost)));
const latencyChange = (ms: number) => signed(ms, `${Math.abs(ms)}ms`);

/** A verdict's deltas as text: `−33%`, `+0.20`, `+12 in / −3 out`, `+$0.0001`, `+35ms` (— when not measured). */
export function verdictDeltas(verdict: BaselineVerdict) {
  const measured = verdict.compared > 0;
  return {
    // "pass rate 0%" would read as nothing passing: a change of zero says so.
    passRate:
      verdict.passDelta === 0
        ? "±0%"
        : signed(verdict.passDelta, `${Math.round(Math.abs(verdict.passDelta) * 100)}%`),
    score: scoreChange(verdict.scoreDelta),
    tokens: measured ? tokensChange(verdict.tokensDelta) : NONE,
    cost: measured ? costChange(verdict.costDelta) : NONE,
    latency: measured ? latencyChange(verdict.latencyDelta) : NONE,
  };
}

/** A case's deltas against its baseline twin, as a verdict's are written. */
export function caseDeltas(delta: CaseDelta) {
  return {
    score: scoreChange(delta.score),
    tokens: tokensChange(delta.tokens),
    cost: costChange(delta.costUsd),
    latency: latencyChange(delta.latencyMs),
  };
}

/** `1 of 3 regressed`, `2 of 3 improved`, `3 cases` */
export function verdictCounts(verdict: BaselineVerdict): string {
  if (verdict.regressed > 0) {
    const improved = verdict.improved > 0 ? `, ${verdict.improved} improved` : "";
    return `${verdict.regressed} of ${verdict.cases} regressed${improved}`;
  }
  if (verdict.improved > 0) return `${verdict.improved} of ${verdict.cases} improved`;
  return `${verdict.cases} ${verdict.cases === 1 ? "case" : "cases"}`;
}

/** `1 of 3 regressed · pass rate −33% · +12 in / −3 out tokens · +$0.0001 · +35ms` */
export function formatVerdictFigures(verdict: BaselineVerdict): string {
  const d = verdictDeltas(verdict);
  const parts = [verdictCounts(verdict), `pass rate ${d.passRate}`];
  if (verdict.scoreDelta !== null && verdict.scoreDelta !== 0) parts.push(`score ${d.score}`);
  if (verdict.compared > 0) {
    // What did not change is not worth a figure in a one-line verdict.
    const { input, output } = verdict.tokensDelta;
    if (input !== 0 || output !== 0) parts.push(`${d.tokens} tokens`);
    if (verdict.costDelta !== 0) parts.push(d.cost === "unknown" ? "cost unknown" : `cost ${d.cost}`);
    parts.push(`latency ${d.latency}`);
  }
  return parts.join(" · ");
}

/** The current side's version of each prompt × provider, as the verdicts' results say. */
export function currentVersionOf(results: readonly CaseResult[], verdict: BaselineVerdict): number | "draft" {
  return (
    results.find((r) => r.prompt === verdict.prompt && r.provider === verdict.provider)?.version ?? "draft"
  );
}

/** The pretty reporter's section: verdicts, prompts without a baseline, then the regressed cases. */
export function formatBaselineSection(
  run: RunResults,
  c: ChalkInstance,
  displayFile: (file: string) => string,
  columns: number | undefined,
): string {
  const report = run.baseline;
  if (!report) return "";
  const out = [c.bold(`Baseline ${report.ref}:`)];
  for (const verdict of report.verdicts) {
    const mark =
      verdict.verdict === "regressed"
        ? c.red("✗ regressed")
        : verdict.verdict === "improved"
          ? c.green("↑ improved ")
          : c.dim("= unchanged");
    const sides = `v${verdict.version} → ${versionLabel(currentVersionOf(run.results, verdict))}`;
    out.push(
      `  ${mark} ${verdict.prompt} ${sides} [${verdict.provider}] ${c.dim(`· ${formatVerdictFigures(verdict)}`)}`,
    );
  }
  for (const missing of report.missing)
    out.push(`  ${c.yellow("– no baseline")} ${missing.prompt} ${c.dim(`· ${missing.reason}`)}`);
  if (report.verdicts.length === 0 && report.missing.length === 0) out.push(c.dim("  no case to compare"));
  const judged = pairwiseJudgments(run.results);
  if (judged.length > 0) {
    out.push("", c.bold(`Pairwise judgments (${judged.length}):`));
    for (const { result, text } of judged) out.push(`  ${caseTitle(result)} ${c.dim(`· ${text}`)}`);
  }
  const regressed = run.results.filter(isRegressed);
  if (regressed.length > 0) {
    out.push("", c.bold(c.red(`Regressions (${regressed.length}):`)));
    for (const result of regressed) out.push("", ...formatRegression(result, c, displayFile, columns));
  }
  return `${out.join("\n")}\n`;
}

/** Every case a pairwise judge compared with its baseline twin, with the verdict: not only regressions. */
export function pairwiseJudgments(
  results: readonly CaseResult[],
): Array<{ result: CaseResult; text: string }> {
  return results.flatMap((result) => {
    const text = describePairwise(result.baseline?.pairwise);
    return text ? [{ result, text }] : [];
  });
}

const MAX_ROWS = 16;

function formatRegression(
  result: Compared,
  c: ChalkInstance,
  displayFile: (file: string) => string,
  columns: number | undefined,
): string[] {
  const { baseline } = result;
  const where = result.location
    ? `  ${c.dim(`${displayFile(result.location.file)}:${result.location.line}`)}`
    : "";
  const before = `v${baseline.version} ${baseline.status}`;
  const now = `${versionLabel(result.version)} ${result.status}`;
  const lines = [`${c.red("✗")} ${c.bold(caseTitle(result))}${where}`, `    ${before} → ${c.red(now)}`];
  const pairwise = describePairwise(baseline.pairwise);
  if (pairwise) lines.push(c.dim(`    ${pairwise}`));
  const calls = toolCallsChange(result);
  if (calls) lines.push(c.dim(`    ${calls}`));
  if (baseline.diff === "") {
    lines.push(c.dim("    the same output on both versions:"));
    for (const line of excerpt(result.output).split("\n")) lines.push(c.dim(`      ${line}`));
    return lines;
  }
  // Without a terminal (CI logs) there is no width to fit: logs are read in wide windows.
  const width = Math.min(Math.max(columns ?? 120, 60), 160);
  const column = Math.floor((width - 4 - 3) / 2);
  const rows = sideBySide(baseline.diff, column);
  const cell = (text: string, colour: (s: string) => string) => colour(padEndToWidth(text, column));
  lines.push(
    `    ${c.bold(cell(`v${baseline.version}`, (s) => s))} ${c.dim("│")} ${c.bold(versionLabel(result.version))}`,
  );
  for (const row of rows.slice(0, MAX_ROWS)) {
    const left = cell(row.left, row.kind === "changed" ? c.red : c.dim);
    const right = row.kind === "changed" ? c.green(row.right) : c.dim(row.right);
    lines.push(`    ${left} ${c.dim("│")} ${right}`.trimEnd());
  }
  if (rows.length > MAX_ROWS)
    lines.push(c.dim(`    … ${rows.length - MAX_ROWS} more lines (the whole diff is in --reporter json)`));
  return lines;
}

interface Row {
  kind: "same" | "changed" | "gap";
  left: string;
  right: string;
}

/**
 * The rows of a unified diff laid side by side: context lines on both sides, removed lines on
 * the left facing the added ones on the right, hunks apart by a gap; each line wrapped to `column`
 * display columns.
 */
export function sideBySide(diff: string, column: number): Row[] {
  const rows: Row[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  let hunks = 0;
  const push = (kind: Row["kind"], left: string | undefined, right: string | undefined) => {
    const l = wrap(left ?? "", column);
    const r = wrap(right ?? "", column);
    for (let i = 0; i < Math.max(l.length, r.length); i++)
      rows.push({ kind, left: l[i] ?? "", right: r[i] ?? "" });
  };
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) push("changed", removed[i], added[i]);
    removed = [];
    added = [];
  };
  for (const line of diff.split("\n")) {
    if (line.startsWith("--- ") || line.startsWith("+++ ") || line.startsWith("\\")) continue;
    if (line.startsWith("@@")) {
      flush();
      if (hunks++ > 0) rows.push({ kind: "gap", left: "…", right: "…" });
    } else if (line.startsWith("-")) removed.push(line.slice(1));
    else if (line.startsWith("+")) added.push(line.slice(1));
    else if (line.startsWith(" ")) {
      flush();
      push("same", line.slice(1), line.slice(1));
    }
  }
  flush();
  return rows;
}

/** Tabs as two spaces, then wrapped to the column's display width (wide CJK and emoji count two). */
const wrap = (text: string, width: number) => wrapToWidth(text.replace(/\t/g, "  "), width);
