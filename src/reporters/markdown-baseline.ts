import type { BaselineReport, BaselineVerdictName } from "../regression/baseline/baseline-results.js";
import { describePairwise } from "../regression/judge/pairwise-verdict.js";
import { type CaseResult, versionLabel } from "../regression/results.js";
import {
  currentVersionOf,
  isRegressed,
  pairwiseJudgments,
  verdictCounts,
  verdictDeltas,
} from "./format-baseline.js";
import { caseTitle, excerpt } from "./format-results.js";
import { toolCallsChange } from "./format-tool-calls.js";
import { codeFence, codeSpan, inline, row } from "./markdown-text.js";

const VERDICT: Record<BaselineVerdictName, string> = {
  regressed: "❌ regressed",
  improved: "⬆️ improved",
  unchanged: "➖ unchanged",
};

/**
 * The --baseline section of the Markdown summary (and so of GitHub's step summary): a verdict per
 * prompt × provider, the prompts without a baseline, and each regressed case with its output diff.
 * `report` and `results` are already redacted and printable.
 */
export function formatBaselineMarkdown(
  report: BaselineReport,
  results: readonly CaseResult[],
  displayFile: (file: string) => string,
): string[] {
  const regressed = results.filter(isRegressed);
  const count = (name: BaselineVerdictName) => report.verdicts.filter((v) => v.verdict === name).length;
  const counts = [
    `${count("regressed")} regressed`,
    `${count("improved")} improved`,
    `${count("unchanged")} unchanged`,
  ];
  if (report.missing.length > 0) counts.push(`${report.missing.length} without a baseline`);
  const out = [
    `### ${regressed.length > 0 ? "❌" : "✅"} Baseline ${inline(report.ref)}: ${counts.join(", ")}`,
  ];
  if (report.verdicts.length > 0) {
    out.push(
      "",
      "| Prompt | Provider | Versions | Verdict | Pass rate | Score | Tokens | Cost | Latency |",
      "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const verdict of report.verdicts) {
      const d = verdictDeltas(verdict);
      const versions = `v${verdict.version} → ${versionLabel(currentVersionOf(results, verdict))}`;
      const judged = `${VERDICT[verdict.verdict]} (${inline(verdictCounts(verdict))})`;
      const cells = [inline(verdict.prompt), inline(verdict.provider), versions, judged];
      out.push(row([...cells, d.passRate, d.score, d.tokens, d.cost, d.latency]));
    }
  }
  if (report.missing.length > 0) {
    out.push("");
    for (const missing of report.missing)
      out.push(`- No baseline for ${codeSpan(missing.prompt)}: ${inline(missing.reason)}`);
  }
  const judged = pairwiseJudgments(results);
  if (judged.length > 0) {
    out.push("", `#### Pairwise judgments (${judged.length})`, "");
    for (const { result, text } of judged) out.push(`- ${inline(caseTitle(result))}: ${inline(text)}`);
  }
  if (regressed.length > 0) {
    out.push("", `#### Regressions (${regressed.length})`);
    for (const result of regressed) {
      const { baseline } = result;
      out.push("", `##### ❌ ${inline(caseTitle(result))}`, "");
      if (result.location)
        out.push(codeSpan(`${displayFile(result.location.file)}:${result.location.line}`), "");
      out.push(
        `- v${baseline.version}: ${baseline.status} → ${versionLabel(result.version)}: ${result.status}`,
      );
      const pairwise = describePairwise(baseline.pairwise);
      if (pairwise) out.push(`- ${inline(pairwise)}`);
      const calls = toolCallsChange(result);
      if (calls) out.push(`- ${inline(calls)}`);
      if (baseline.diff === "") {
        out.push("- the same output on both versions");
        continue;
      }
      const diff = excerpt(baseline.diff, 4000);
      const fence = codeFence(diff);
      out.push(
        "",
        "<details><summary>Output diff</summary>",
        "",
        `${fence}diff`,
        diff.trimEnd(),
        fence,
        "",
        "</details>",
      );
    }
  }
  return out;
}
