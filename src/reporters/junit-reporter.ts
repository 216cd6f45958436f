import { redactDeep } from "../redact-secrets.js";
import { describePairwise } from "../regression/judge/pairwise-verdict.js";
import type { CaseResult, RunResults } from "../regression/results.js";
import { excerpt, groupByPromptAndProvider, problemMessages, type ResultGroup } from "./format-results.js";
import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";
import { xmlAttributes, xmlText } from "./xml.js";

// JUnit XML as GitHub test-report actions, GitLab and Jenkins read it: one <testsuite> per
// prompt × provider, one <failure> (never several) per failed case, times in seconds.

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** How much of a failed case's reply goes into <failure>; the whole of it goes into <system-out>. */
const OUTPUT_EXCERPT = 2000;

export function formatJunitReport(results: RunResults): string {
  const { summary, results: cases } = redactDeep(results);
  // Counted from the cases themselves, so the file agrees with itself whatever the summary says.
  const groups = groupByPromptAndProvider(cases);
  const sum = (key: "failed" | "errors") => groups.reduce((n, g) => n + g[key], 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({
      name: "promptops test",
      tests: cases.length,
      failures: sum("failed"),
      errors: sum("errors"),
      time: seconds(summary.durationMs),
    })}>`,
  ];
  for (const group of groups) lines.push(...testsuite(group));
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

function testsuite(group: ResultGroup): string[] {
  const name = `${group.prompt} [${group.provider}]`;
  const time = group.cases.reduce((sum, c) => sum + c.latencyMs, 0);
  const attributes = xmlAttributes({
    name,
    tests: group.cases.length,
    failures: group.failed,
    errors: group.errors,
    skipped: 0,
    time: seconds(time),
  });
  return [`  <testsuite${attributes}>`, ...group.cases.flatMap((c) => testcase(c, name)), "  </testsuite>"];
}

function testcase(result: CaseResult, classname: string): string[] {
  const open = `    <testcase${xmlAttributes({
    name: result.test,
    // Unique per prompt × provider, so Jenkins and GitLab do not merge one test's providers.
    classname,
    time: seconds(result.latencyMs),
    file: result.location?.file,
    line: result.location?.line,
  })}`;
  // The pairwise verdict as a testcase property, where pytest's record_property puts its own.
  const pairwise = describePairwise(result.baseline?.pairwise);
  const properties = pairwise
    ? [`      <properties><property${xmlAttributes({ name: "pairwise", value: pairwise })} /></properties>`]
    : [];
  if (result.status === "pass")
    return properties.length > 0 ? [`${open}>`, ...properties, "    </testcase>"] : [`${open} />`];

  const messages = problemMessages(result);
  let body: string;
  let element: string;
  if (result.status === "error") {
    element = `      <error${xmlAttributes({ message: messages[0], type: "error" })}>`;
    body = messages.join("\n");
  } else {
    const types = result.assertions.filter((a) => !a.pass).map((a) => a.type);
    element = `      <failure${xmlAttributes({ message: messages.join("; "), type: types.join(", ") || "fail" })}>`;
    body = `${messages.join("\n")}\n\noutput:\n${excerpt(result.output, OUTPUT_EXCERPT)}`;
  }
  const closing = result.status === "error" ? "</error>" : "</failure>";
  const lines = [`${open}>`, ...properties, `${element}${xmlText(body)}${closing}`];
  if (result.output !== "") lines.push(`      <system-out>${xmlText(result.output)}</system-out>`);
  lines.push("    </testcase>");
  return lines;
}

export function createJunitReporter(target: ReportTarget): Reporter {
  return {
    name: "junit",
    finish: async (results) => deliverReport("junit", target, formatJunitReport(results)),
  };
}
