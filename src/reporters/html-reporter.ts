import { redactDeep } from "../redact-secrets.js";
import { describePairwise } from "../regression/judge/pairwise-verdict.js";
import type { CaseResult, RunResults } from "../regression/results.js";
import {
  allowedNote,
  caseTitle,
  excerpt,
  formatCost,
  formatMs,
  formatRunCounts,
  formatTokens,
  formatTotals,
  groupByPromptAndProvider,
  problemMessages,
} from "./format-results.js";
import { toolCallsSummary } from "./format-tool-calls.js";
import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STATUS_MARK: Record<CaseResult["status"], string> = { pass: "✓", fail: "✗", error: "!" };

/**
 * One self-contained page (no scripts, no external assets) to attach to a CI run or open locally:
 * the summary, a table per prompt × provider, and each failure with what was expected and found.
 */
export function formatHtmlReport(run: RunResults): string {
  const results = redactDeep(run);
  const groups = groupByPromptAndProvider(results.results)
    .map((group) => {
      const rows = group.cases
        .map((r) => {
          const problems = problemMessages(r)
            .map((m) => `<li>${escapeHtml(m)}</li>`)
            .join("");
          const calls = toolCallsSummary(r);
          const called = calls ? `<div class="tool-calls">${escapeHtml(calls)}</div>` : "";
          const details =
            r.status === "pass"
              ? ""
              : `<details><summary>details</summary><ul>${problems}</ul><pre>${escapeHtml(excerpt(r.output, 2000))}</pre></details>`;
          const rowClass = r.allowedFailure ? `${r.status} allowed` : r.status;
          const pairwise = describePairwise(r.baseline?.pairwise);
          const judged = pairwise ? `<div class="pairwise">${escapeHtml(pairwise)}</div>` : "";
          return `<tr class="${rowClass}"><td>${STATUS_MARK[r.status]}</td><td>${escapeHtml(caseTitle(r) + allowedNote(r))}${judged}${called}${details}</td><td>${formatMs(r.latencyMs)}${r.cached ? " (cached)" : ""}</td><td>${escapeHtml(formatTokens(r.tokens))}</td><td>${escapeHtml(formatCost(r.costUsd))}</td></tr>`;
        })
        .join("\n");
      const title = `${group.prompt} [${group.provider}]`;
      return `<h2>${escapeHtml(title)}</h2>\n<table><thead><tr><th></th><th>test</th><th>latency</th><th>tokens</th><th>cost</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
    })
    .join("\n");
  const { summary } = results;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>promptops test report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}tr.fail td:first-child{color:#b00020}
tr.error td:first-child,tr.allowed td:first-child{color:#b26a00}.pairwise,.tool-calls{color:#555}tr.pass td:first-child{color:#1b7f3a}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}
</style></head><body>
<h1>promptops test report</h1>
<p>${escapeHtml([formatRunCounts(summary, results.results), ...formatTotals(summary)].join(" · "))}</p>
${groups}
</body></html>
`;
}

export function createHtmlReporter(target: ReportTarget): Reporter {
  return {
    name: "html",
    finish: async (results) => deliverReport("html", target, formatHtmlReport(results)),
  };
}
