import type { ActiveVersion, AuditPeriodReport } from "./audit-report.js";

const COLUMNS = [
  "at",
  "type",
  "prompt",
  "version",
  "env",
  "by",
  "why",
  "hash",
  "commit",
  "previous",
  "committedBy",
] as const;

/**
 * A cell as RFC 4180 wants it, and safe to open in a spreadsheet: text starting with = + - @ (or
 * a tab or CR, which some spreadsheets skip before one) would run as a formula, so it gets a
 * leading apostrophe (OWASP's advice). Every cell here is text someone typed: a tag message, a reason.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function auditReportCsv(report: AuditPeriodReport): string {
  const rows: string[][] = [COLUMNS.slice()];
  for (const e of report.events)
    rows.push([
      e.at,
      e.type,
      e.prompt,
      e.version === null ? "" : String(e.version),
      e.env ?? "",
      e.by,
      e.why,
      e.hash ?? "",
      e.commit ?? "",
      e.previous == null ? "" : String(e.previous),
      e.committedBy ?? "",
    ]);
  const stateRows = (
    type: string,
    at: string | null,
    state: Record<string, Record<string, ActiveVersion>>,
  ) => {
    for (const [env, entries] of Object.entries(state))
      for (const [id, active] of Object.entries(entries))
        rows.push([at ?? "", type, id, String(active.version), env, "", "", active.hash, "", "", ""]);
  };
  stateRows("active-at-start", report.from, report.active.start);
  stateRows("active-at-end", report.to, report.active.end);
  // RFC 4180: CRLF after every record.
  return rows.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

/** Text in a Markdown table cell: one line, no column breaks, nothing rendered as markup or HTML. */
function mdCell(value: string): string {
  return value
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .trim();
}

export function auditReportMarkdown(report: AuditPeriodReport): string {
  const out: string[] = [];
  const period = `${report.from ?? "the beginning"} to ${report.to ?? "now"}`;
  out.push("# Prompt audit report", "");
  out.push(`Period: ${period}${report.env ? `, environment ${mdCell(report.env)}` : ""}.`, "");
  out.push(`## Events (${report.events.length})`, "");
  if (report.events.length === 0) out.push("Nothing happened in this period.", "");
  else {
    out.push(
      "| when | what | prompt | version | environment | who | why | commit |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const e of report.events) {
      const version = e.version === null ? "" : `v${e.version}`;
      const from = e.previous != null && e.type !== "publish" ? ` (was v${e.previous})` : "";
      out.push(
        `| ${e.at} | ${e.type} | ${mdCell(e.prompt)} | ${version}${from} | ${mdCell(e.env ?? "")} | ${mdCell(e.by)} | ${mdCell(e.why)} | ${e.commit ? e.commit.slice(0, 12) : ""} |`,
      );
    }
    out.push("");
  }
  const state = (title: string, entries: Record<string, Record<string, ActiveVersion>>) => {
    out.push(`## ${title}`, "");
    const envs = Object.entries(entries);
    if (envs.every(([, e]) => Object.keys(e).length === 0)) {
      out.push("Nothing was active.", "");
      return;
    }
    out.push("| environment | prompt | version | hash |", "|---|---|---|---|");
    for (const [env, active] of envs)
      for (const [id, v] of Object.entries(active))
        out.push(`| ${mdCell(env)} | ${mdCell(id)} | v${v.version} | ${mdCell(v.hash)} |`);
    out.push("");
  };
  state(`Active at the start (${report.from ?? "the beginning"})`, report.active.start);
  state(`Active at the end (${report.to ?? "now"})`, report.active.end);
  if (report.warnings.length > 0) {
    out.push("## Ignored records", "");
    for (const warning of report.warnings) out.push(`- ${mdCell(warning)}`);
    out.push("");
  }
  return out.join("\n");
}
