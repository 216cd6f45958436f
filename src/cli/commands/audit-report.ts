import { auditPeriod } from "../../environments/audit-report.js";
import { auditReportCsv, auditReportMarkdown } from "../../environments/audit-report-formats.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export async function runAuditReport(
  options: GlobalOptions & { from?: string; to?: string; env?: string; format: "md" | "csv" | "json" },
): Promise<number> {
  const report = await auditPeriod({
    cwd: options.cwd,
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  // The report itself goes to stdout, whole, so it can be redirected to a file; warnings to stderr.
  const c = colourFor(process.stderr);
  for (const warning of report.warnings) process.stderr.write(`${c.yellow("warning")}: ${warning}\n`);
  if (options.format === "json") printJson(report);
  else process.stdout.write(options.format === "csv" ? auditReportCsv(report) : auditReportMarkdown(report));
  return 0;
}
