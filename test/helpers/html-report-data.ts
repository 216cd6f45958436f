import type { ReportPayload } from "../../src/reporters/html/report-payload.js";

/**
 * The text of an HTML report's JSON element `id`, ended where the HTML parser would end it: at the
 * first "</script".
 */
export function reportDataText(html: string, id: "report-index" | "report-data"): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open) + open.length;
  return html.slice(start, html.toLowerCase().indexOf("</script", start));
}

/** What an HTML report's page draws from. */
export const reportDataOf = (html: string): ReportPayload => ({
  index: JSON.parse(reportDataText(html, "report-index")),
  cases: JSON.parse(reportDataText(html, "report-data")),
});
