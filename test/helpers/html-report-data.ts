import type { ReportPayload } from "../../src/reporters/html/report-payload.js";

const DATA_OPEN = '<script type="application/json" id="report-data">';

/** The text of an HTML report's data element, ended where the HTML parser would end it: at the first "</script". */
export function reportDataText(html: string): string {
  const start = html.indexOf(DATA_OPEN) + DATA_OPEN.length;
  return html.slice(start, html.toLowerCase().indexOf("</script", start));
}

/** What an HTML report's page draws from. */
export const reportDataOf = (html: string): ReportPayload => JSON.parse(reportDataText(html));
