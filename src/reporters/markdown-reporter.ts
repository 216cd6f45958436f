import { formatMarkdownSummary } from "./markdown-summary.js";
import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";

export function createMarkdownReporter(target: ReportTarget): Reporter {
  return {
    name: "markdown",
    finish: async (results) => deliverReport("markdown", target, formatMarkdownSummary(results)),
  };
}
