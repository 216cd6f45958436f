import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { parseSince } from "../../observe/since.js";
import {
  collectStats,
  STATS_DIMENSIONS,
  type StatsDimension,
  type StatsReport,
} from "../../observe/stats.js";
import { printable } from "../../reporters/format-results.js";
import type { GlobalOptions } from "../main.js";
import { displayPath, printJson } from "../output.js";
import { skippedRunsNote } from "../skipped-runs-note.js";
import { textTable } from "../text-table.js";

export interface StatsCommandOptions extends GlobalOptions {
  ids: string[];
  logs: string[] | undefined;
  since: string | undefined;
  by: string[];
  json: boolean;
}

export async function runStats(options: StatsCommandOptions): Promise<number> {
  for (const by of options.by) {
    if (!(STATS_DIMENSIONS as readonly string[]).includes(by)) {
      throw new PromptOpsError("bad-flag", `--by ${by}: not a dimension`, {
        hint: `use ${STATS_DIMENSIONS.join(", ")} (repeatable)`,
      });
    }
  }
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const config = loadConfigOrThrow(options.cwd);
  const report = await collectStats(config, {
    ids: options.ids,
    logs: options.logs,
    since,
    by: options.by as StatsDimension[],
  });
  for (const note of notes(report)) process.stderr.write(`${note}\n`);
  if (options.json) {
    printJson({ rows: report.rows, ...(report.owners ? { owners: report.owners } : {}) });
    return 0;
  }
  process.stdout.write(`${formatStats(report, options.by)}\n`);
  return 0;
}

function notes(report: StatsReport): string[] {
  const lines: string[] = [];
  if (report.logFiles.length === 0) {
    lines.push(
      report.logsDefaulted
        ? "note: no call logs in .promptops/calls*.jsonl* (name them with --logs); showing test runs only"
        : "note: --logs matched no file; showing test runs only",
    );
  }
  const skipped = report.skippedLines;
  if (skipped.count > 0) {
    const first = skipped.examples.map((e) => printable(e)).join("; ");
    lines.push(`warning: skipped ${skipped.count} malformed log line(s), e.g. ${first}`);
  }
  if (report.unmatchedFeedback > 0) {
    lines.push(
      `note: ${report.unmatchedFeedback} feedback record(s) match no call read (other logs, or before --since)`,
    );
  }
  const runsNote = skippedRunsNote(report.skippedRuns);
  if (runsNote) lines.push(runsNote);
  return lines;
}

const usd = (value: number | null) =>
  value === null ? "?" : `$${value < 0.01 && value > 0 ? value.toPrecision(2) : value.toFixed(2)}`;
const ms = (value: number | null) => (value === null ? "-" : `${Math.round(value)}ms`);
const percent = (value: number | null) => (value === null ? "-" : `${Math.round(value * 100)}%`);

function formatStats(report: StatsReport, by: readonly string[]): string {
  if (report.rows.length === 0) return "no calls and no test runs to show";
  const dims = (["owner", "model", "env", "day"] as const).filter((d) => by.includes(d));
  const header = [
    "PROMPT",
    "VERSION",
    ...dims.map((d) => d.toUpperCase()),
    "CALLS",
    "ERRORS",
    "TOKENS IN",
    "TOKENS OUT",
    "COST",
    "P50",
    "P95",
    "PASS",
    "FEEDBACK",
  ];
  const rows = report.rows.map((row) => [
    printable(row.prompt),
    typeof row.version === "number" ? `v${row.version}` : printable(String(row.version)),
    ...dims.map((d) => printable(row[d] ?? "")),
    String(row.calls),
    String(row.errors),
    String(row.tokens.input),
    String(row.tokens.output),
    row.calls === 0 ? "-" : usd(row.costUsd),
    ms(row.latencyMs.p50),
    ms(row.latencyMs.p95),
    percent(row.passRate),
    row.feedback.count === 0
      ? "-"
      : `${row.feedback.mean === null ? "?" : row.feedback.mean.toFixed(2)} (${row.feedback.count})`,
  ]);
  const lines = [textTable(header, rows, 2 + dims.length)];
  if (report.owners) {
    lines.push(
      "",
      textTable(
        ["OWNER", "CALLS", "COST"],
        report.owners.map((o) => [printable(o.owner), String(o.calls), usd(o.costUsd)]),
        1,
      ),
    );
  }
  if (report.logFiles.length > 0) lines.push("", `from ${report.logFiles.map(displayPath).join(", ")}`);
  return lines.join("\n");
}
