import { redactDeep } from "../redact-secrets.js";
import type { RunResults } from "../regression/results.js";
import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";

/** The results exactly as the runner returned them (schemas/results.schema.json). */
export function formatJsonReport(results: RunResults): string {
  return `${JSON.stringify(redactDeep(results), null, 2)}\n`;
}

export function createJsonReporter(target: ReportTarget): Reporter {
  return {
    name: "json",
    finish: async (results) => deliverReport("json", target, formatJsonReport(results)),
  };
}
