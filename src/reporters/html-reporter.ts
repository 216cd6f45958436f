import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";

export function createHtmlReporter(target: ReportTarget): Reporter {
  return {
    name: "html",
    finish: async (results) => {
      // The page generator (its script, styles and payload) loads only when an HTML report is asked for.
      const { formatHtmlReport } = await import("./html/format-html-report.js");
      return deliverReport("html", target, formatHtmlReport(results));
    },
  };
}
