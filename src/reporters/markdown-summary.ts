import type { CaseResult, CaseStatus, RunResults } from "../regression/results.js";
import { formatPassRate } from "./format-repeats.js";
import {
  allowedNote,
  caseTitle,
  excerpt,
  formatMs,
  formatRunCounts,
  formatScore,
  formatTotals,
  groupByPromptAndProvider,
  hasBlockingProblem,
  isProblem,
  problemMessages,
  promptLabel,
  shownStrings,
} from "./format-results.js";
import { toolCallLines } from "./format-tool-calls.js";
import { formatBaselineMarkdown } from "./markdown-baseline.js";
import { codeFence, codeSpan, inline, row } from "./markdown-text.js";

export interface MarkdownOptions {
  /** How to show a test's file (relative to the project root in results); as is by default. */
  displayFile?: (file: string) => string;
}

const STATUS: Record<CaseStatus, string> = { pass: "✅ pass", fail: "❌ fail", error: "⚠️ error" };

/** The run as GitHub-flavoured Markdown: per prompt × provider counts, the failures, then every case. */
export function formatMarkdownSummary(results: RunResults, options: MarkdownOptions = {}): string {
  const { summary, results: cases, baseline } = shownStrings(results);
  const displayFile = options.displayFile ?? ((file: string) => file);
  // Failures an allow-fail test allows do not fail the run: the heading says the run's verdict.
  const ok = !hasBlockingProblem(cases);
  const out = [
    `## ${ok ? "✅" : "❌"} promptops test: ${formatRunCounts(summary, cases)}`,
    "",
    `Duration ${formatTotals(summary).join(" · ")}`,
    "",
    "| Prompt | Provider | Passed | Failed | Errors |",
    "| --- | --- | ---: | ---: | ---: |",
  ];
  for (const group of groupByPromptAndProvider(cases)) {
    const passed = `${group.passed}/${group.cases.length}`;
    out.push(
      row([inline(group.prompt), inline(group.provider), passed, `${group.failed}`, `${group.errors}`]),
    );
  }
  if (baseline) out.push("", ...formatBaselineMarkdown(baseline, cases, displayFile));

  const problems = cases.filter(isProblem);
  if (problems.length > 0) {
    out.push("", "### Failures");
    for (const result of problems) out.push("", ...failure(result, displayFile));
  }

  out.push("", `<details><summary>All ${cases.length} cases</summary>`, "");
  out.push(
    "| Status | Prompt | Test | Provider | Latency | Cached |",
    "| --- | --- | --- | --- | ---: | --- |",
  );
  for (const c of cases) {
    // A repeated case shows its pass rate with its verdict.
    const verdict = `${STATUS[c.status]}${allowedNote(c)}`;
    const scored = formatScore(c);
    const status = c.repeats
      ? `${verdict} ${inline(formatPassRate(c.repeats))}`
      : scored
        ? `${verdict} (${scored})`
        : verdict;
    const cells = [status, inline(promptLabel(c)), inline(c.test), inline(c.provider)];
    out.push(row([...cells, formatMs(c.latencyMs), c.cached ? "yes" : "no"]));
  }
  out.push("", "</details>", "");
  return out.join("\n");
}

function failure(result: CaseResult, displayFile: (file: string) => string): string[] {
  const mark = result.status === "error" || result.allowedFailure ? "⚠️" : "❌";
  const lines = [`#### ${mark} ${inline(caseTitle(result))}${allowedNote(result)}`, ""];
  if (result.location)
    lines.push(`${codeSpan(`${displayFile(result.location.file)}:${result.location.line}`)}`, "");
  for (const message of problemMessages(result)) {
    lines.push(`- ${message.split(/\r?\n/).map(inline).join("<br>")}`);
  }
  if (result.output !== "") {
    const fence = codeFence(result.output);
    lines.push("", "<details><summary>Output</summary>", "", `${fence}text`);
    lines.push(excerpt(result.output), fence, "", "</details>");
  }
  const calls = toolCallLines(result);
  if (calls) lines.push("", `Tool calls: ${calls.map(codeSpan).join(", ")}`);
  return lines;
}
