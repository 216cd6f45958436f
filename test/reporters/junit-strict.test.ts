import { describe, expect, it } from "vitest";
import type { CaseBaseline } from "../../src/regression/baseline/baseline-results.js";
import type { CaseResult } from "../../src/regression/results.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { allCases, failed, passed, runResults } from "./fixtures.js";
import { junitSchemaProblems } from "./junit-schema-rules.js";

// Jenkins (xUnit plugin) and tools that check Surefire's schema reject attributes the schemas do
// not name. --junit-strict writes what both accept; the default keeps file and line on
// <testcase>, which GitLab and the GitHub test-report actions read.

const pairwise = {
  pairwise: [{ rubric: "polite", winner: "current", votes: [], consistent: true }],
} as unknown as CaseBaseline;
const everyKind: CaseResult[] = [
  ...allCases,
  { ...failed, test: "allowed to fail", allowedFailure: true },
  { ...passed, test: "judged against the baseline", baseline: pairwise },
  { ...failed, test: "failed and judged", baseline: pairwise },
];

describe("JUnit for strict consumers", () => {
  it("the default form puts file and line on <testcase>, which both schemas refuse", () => {
    const xml = formatJunitReport(runResults(everyKind));
    expect(junitSchemaProblems(xml, "jenkins")).toContain(
      "/testsuites/testsuite/testcase: attribute file is not allowed on <testcase>",
    );
    expect(junitSchemaProblems(xml, "surefire")).toContain(
      "/testsuites/testsuite/testcase: attribute line is not allowed on <testcase>",
    );
  });

  it.each(["jenkins", "surefire"] as const)("--junit-strict passes every rule of the %s schema", (schema) => {
    const xml = formatJunitReport(runResults(everyKind), { strict: true });
    expect(junitSchemaProblems(xml, schema)).toEqual([]);
  });

  it("--junit-strict keeps the location: the file as a suite property, the line in the failure", () => {
    const xml = formatJunitReport(runResults(everyKind), { strict: true });
    expect(xml).toContain('<property name="file" value="prompts/support-agent.prompt.yaml" />');
    expect(xml).toMatch(/<failure [^>]*>prompts\/support-agent\.prompt\.yaml:20\n/);
    expect(xml).toContain(`<system-out>pairwise: current preferred for "polite"</system-out>`);
  });

  it("the rules catch what the schemas forbid", () => {
    const bad = `<testsuites><testsuite name="s" tests="2" failures="0" errors="0" skipped="0" file="x">
      <testcase name="a" time="1.2345"><system-out>x</system-out><failure>late</failure></testcase>
    </testsuite></testsuites>`;
    const surefire = junitSchemaProblems(bad, "surefire");
    expect(surefire).toContain("/testsuites/testsuite: attribute file is not allowed on <testsuite>");
    expect(surefire).toContain('/testsuites/testsuite/testcase: time "1.2345" is not a SUREFIRE_TIME');
    expect(surefire).toContain("/testsuites/testsuite/testcase/failure: <failure> needs type");
    expect(surefire).toContain(
      "/testsuites/testsuite/testcase: <failure> comes after a later element of <testcase>'s sequence",
    );
    expect(surefire).toContain('/testsuites/testsuite: tests="2", but it holds 1');
    expect(surefire).toContain('/testsuites/testsuite: failures="0", but it holds 1');
    expect(junitSchemaProblems("<testsuites><testsuite>", "jenkins")[0]).toMatch(/not well-formed/);
  });
});
