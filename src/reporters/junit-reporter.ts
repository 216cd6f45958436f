import { redactDeep } from "../redact-secrets.js";
import { describePairwise } from "../regression/judge/pairwise-verdict.js";
import type { CaseResult, RunResults } from "../regression/results.js";
import {
  ALLOWED_TO_FAIL,
  excerpt,
  groupByPromptAndProvider,
  problemMessages,
  type ResultGroup,
} from "./format-results.js";
import { toolCallsSummary } from "./format-tool-calls.js";
import type { Reporter } from "./reporter.js";
import { deliverReport, type ReportTarget } from "./write-report.js";
import { xmlAttributes, xmlText } from "./xml.js";

// JUnit XML as GitHub test-report actions, GitLab and Jenkins read it: one <testsuite> per
// prompt × provider, one <failure> (never several) per failed case, times in seconds.
// A failure an `allow-fail` test allows is a <skipped message="allowed to fail: …">: Jenkins'
// JUnit plugin, Surefire report readers, GitLab and the GitHub test-report actions count a
// skipped case as not failed (the build stays green, not "unstable"), yet list it apart from the
// passes with its message, where a note in <system-out> alone would make it look like a pass.

// The strict form (--junit-strict) keeps to what both the Jenkins xUnit plugin's junit-10.xsd and
// Maven Surefire's surefire-test-report-3.0.xsd allow: <testcase> takes only name, classname and
// time, and no <properties>. The test's file goes to its suite's <properties> (both schemas allow
// them there) and its line into the text of the failure; the pairwise verdict into <system-out>.
// The default form keeps `file` and `line` on <testcase>, where GitLab, and the GitHub test-report
// actions, read them to link a failure to its line.

export interface JunitOptions {
  strict?: boolean;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** How much of a failed case's reply goes into <failure>; the whole of it goes into <system-out>. */
const OUTPUT_EXCERPT = 2000;

export function formatJunitReport(results: RunResults, options: JunitOptions = {}): string {
  const strict = options.strict === true;
  const { summary, results: cases } = redactDeep(results);
  // Counted from the cases themselves, so the file agrees with itself whatever the summary says.
  const groups = groupByPromptAndProvider(cases);
  const sum = (key: keyof Counts) => groups.reduce((n, g) => n + counts(g)[key], 0);
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
  for (const group of groups) lines.push(...testsuite(group, strict));
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

interface Counts {
  failed: number;
  errors: number;
  skipped: number;
}

/** A group's failures and errors, those allowed to fail counted as skipped instead. */
function counts(group: ResultGroup): Counts {
  const skipped = group.cases.filter((c) => c.allowedFailure);
  const allowed = (status: string) => skipped.filter((c) => c.status === status).length;
  return {
    failed: group.failed - allowed("fail"),
    errors: group.errors - allowed("error"),
    skipped: skipped.length,
  };
}

function testsuite(group: ResultGroup, strict: boolean): string[] {
  const name = `${group.prompt} [${group.provider}]`;
  const time = group.cases.reduce((sum, c) => sum + c.latencyMs, 0);
  const { failed, errors, skipped } = counts(group);
  const attributes = xmlAttributes({
    name,
    tests: group.cases.length,
    failures: failed,
    errors,
    skipped,
    time: seconds(time),
  });
  // Every case of a group comes from one prompt file.
  const file = group.cases.find((c) => c.location)?.location?.file;
  const suiteProperties =
    strict && file
      ? [`    <properties><property${xmlAttributes({ name: "file", value: file })} /></properties>`]
      : [];
  return [
    `  <testsuite${attributes}>`,
    ...suiteProperties,
    ...group.cases.flatMap((c) => testcase(c, name, strict)),
    "  </testsuite>",
  ];
}

function testcase(result: CaseResult, classname: string, strict: boolean): string[] {
  const open = `    <testcase${xmlAttributes({
    name: result.test,
    // Unique per prompt × provider, so Jenkins and GitLab do not merge one test's providers.
    classname,
    time: seconds(result.latencyMs),
    ...(strict ? {} : { file: result.location?.file, line: result.location?.line }),
  })}`;
  // The pairwise verdict as a testcase property, where pytest's record_property puts its own.
  const pairwise = describePairwise(result.baseline?.pairwise);
  const properties =
    pairwise && !strict
      ? [`      <properties><property${xmlAttributes({ name: "pairwise", value: pairwise })} /></properties>`]
      : [];
  const where = strict && result.location ? `${result.location.file}:${result.location.line}` : undefined;
  const pairwiseOut = strict && pairwise ? pairwise : "";
  if (result.status === "pass") {
    if (pairwiseOut)
      return [`${open}>`, `      <system-out>${xmlText(pairwiseOut)}</system-out>`, "    </testcase>"];
    return properties.length > 0 ? [`${open}>`, ...properties, "    </testcase>"] : [`${open} />`];
  }

  const messages = problemMessages(result);
  let body: string;
  let element: string;
  let closing = result.status === "error" ? "</error>" : "</failure>";
  if (result.allowedFailure) {
    element = `      <skipped${xmlAttributes({ message: `${ALLOWED_TO_FAIL}: ${messages.join("; ")}` })}>`;
    body = messages.join("\n");
    closing = "</skipped>";
  } else if (result.status === "error") {
    element = `      <error${xmlAttributes({ message: messages[0], type: "error" })}>`;
    body = messages.join("\n");
  } else {
    const types = result.assertions.filter((a) => !a.pass).map((a) => a.type);
    element = `      <failure${xmlAttributes({ message: messages.join("; "), type: types.join(", ") || "fail" })}>`;
    body = `${messages.join("\n")}\n\noutput:\n${excerpt(result.output, OUTPUT_EXCERPT)}`;
  }
  const calls = toolCallsSummary(result);
  if (calls) body += `\n\n${calls}`;
  if (where) body = `${where}\n${body}`;
  const lines = [`${open}>`, ...properties, `${element}${xmlText(body)}${closing}`];
  // The calls follow the reply's text: a reader of <system-out> sees everything the model did.
  const systemOut = [pairwiseOut, result.output, ...(calls ? [calls] : [])]
    .filter((text) => text !== "")
    .join("\n\n");
  if (systemOut !== "") lines.push(`      <system-out>${xmlText(systemOut)}</system-out>`);
  lines.push("    </testcase>");
  return lines;
}

export function createJunitReporter(target: ReportTarget, options: JunitOptions = {}): Reporter {
  return {
    name: "junit",
    finish: async (results) => deliverReport("junit", target, formatJunitReport(results, options)),
  };
}
