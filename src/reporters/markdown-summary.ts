import type { CaseResult, CaseStatus, RunResults } from "../testing/results.js";
import {
  caseTitle,
  excerpt,
  formatCost,
  formatCounts,
  formatMs,
  formatTokens,
  groupByPromptAndProvider,
  isProblem,
  printable,
  problemMessages,
  promptLabel,
} from "./format-results.js";
import { mapStrings, redactSecrets } from "./redact.js";

export interface MarkdownOptions {
  /** How to show a test's file (relative to the project root in results); as is by default. */
  displayFile?: (file: string) => string;
}

const STATUS: Record<CaseStatus, string> = { pass: "✅ pass", fail: "❌ fail", error: "⚠️ error" };

/** The run as GitHub-flavoured Markdown: per prompt × provider counts, the failures, then every case. */
export function formatMarkdownSummary(results: RunResults, options: MarkdownOptions = {}): string {
  const { summary, results: cases } = mapStrings(results, (text) => printable(redactSecrets(text)));
  const displayFile = options.displayFile ?? ((file: string) => file);
  const ok = summary.failed === 0 && summary.errors === 0;
  const out = [
    `## ${ok ? "✅" : "❌"} promptops test: ${formatCounts(summary)}`,
    "",
    `Duration ${formatMs(summary.durationMs)} · ${formatTokens(summary.tokens)} · ${formatCost(summary.costUsd)}`,
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
    const cells = [STATUS[c.status], inline(promptLabel(c)), inline(c.test), inline(c.provider)];
    out.push(row([...cells, formatMs(c.latencyMs), c.cached ? "yes" : "no"]));
  }
  out.push("", "</details>", "");
  return out.join("\n");
}

function failure(result: CaseResult, displayFile: (file: string) => string): string[] {
  const lines = [`#### ${result.status === "error" ? "⚠️" : "❌"} ${inline(caseTitle(result))}`, ""];
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
  return lines;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Text that Markdown shows as written: no emphasis, links, HTML or table breaks, on one line. */
function inline(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").replace(/[\\`*_[\]<>|~&#]/g, (ch) => `\\${ch}`);
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function codeFence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  return text.includes("`") ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}
