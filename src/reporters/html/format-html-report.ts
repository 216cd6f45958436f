import { createHash } from "node:crypto";
import type { RunResults } from "../../regression/results.js";
import { readAddress, writeAddress } from "./report-address.js";
import { type ReportParts, reportApp } from "./report-app.js";
import { renderCaseDetails } from "./report-details.js";
import { createKit } from "./report-kit.js";
import { reportPayload } from "./report-payload.js";
import { REPORT_STYLE } from "./report-style.js";
import { renderSummary } from "./report-summary.js";

/**
 * JSON that can sit inside a <script> element: every `<` escaped, so no text of a model's reply
 * (`</script>`, `<!--`) can end the element or start markup; JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One self-contained page: the run's index and its cases' results as JSON, and a script that draws
 * the summary, the filters and the cases from them (the results last: see report-app.ts). Its Content-Security-Policy allows only its own style and
 * script (by hash) and no request of any kind, so the page works offline and, should markup ever
 * slip into it, nothing injected would run or load.
 */
export function formatHtmlReport(run: RunResults): string {
  const payload = reportPayload(run);
  // The functions' own source text: each uses nothing outside itself but its parameters.
  const parts: ReportParts = {
    kit: createKit,
    summary: renderSummary,
    details: renderCaseDetails,
    readAddress,
    writeAddress,
  };
  const script = `(${reportApp.toString()})({ ${Object.entries(parts)
    .map(([name, fn]) => `${name}: ${fn.toString()}`)
    .join(", ")} });`;
  const policy = [
    "default-src 'none'",
    `style-src ${sha256(REPORT_STYLE)}`,
    `script-src ${sha256(script)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>promptops test report</title>
<link rel="icon" href="data:,">
<style>${REPORT_STYLE}</style>
</head><body>
<main id="report"><h1>promptops test report</h1><p>${escapeHtml(payload.index.counts)}</p><noscript>The report needs JavaScript to show its cases.</noscript></main>
<script type="application/json" id="report-index">${scriptSafeJson(payload.index)}</script>
<script>${script}</script>
<script type="application/json" id="report-data">${scriptSafeJson(payload.cases)}</script>
</body></html>
`;
}
