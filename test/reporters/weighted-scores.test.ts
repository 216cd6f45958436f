import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { passed, runResults } from "./fixtures.js";

// A test with a threshold passes or fails on its weighted score: every report says which score it
// got and what it had to reach, and names the weight of each assertion that lowered it.
const belowThreshold: CaseResult = {
  ...passed,
  test: "tone and facts",
  status: "fail",
  score: 0.5,
  threshold: 0.7,
  assertions: [
    { type: "contains", pass: true, score: 1, message: 'output contains "refund"' },
    {
      type: "icontains",
      pass: false,
      score: 0,
      message: 'expected output to contain "thank you"',
      weight: 1,
    },
    { type: "equals", pass: false, score: 0, message: "expected output to equal …", weight: 0 },
  ],
};
const aboveThreshold: CaseResult = { ...belowThreshold, test: "facts", status: "pass", score: 0.75 };
const run = runResults([aboveThreshold, belowThreshold]);

describe("weighted scores in the reports", () => {
  it("a failed case leads with its score and threshold, then the weighted assertions that failed", () => {
    const [annotation] = formatGithubAnnotations([belowThreshold], { projectRoot: "/repo", from: "/repo" });
    expect(annotation).toContain("weighted score 0.5, threshold 0.7: below the threshold");
    expect(annotation).toContain("icontains (weight 1): expected output to contain");
    expect(annotation).toContain("equals (weight 0): expected output to equal");
    expect(formatJunitReport(run)).toContain("weighted score 0.5, threshold 0.7: below the threshold");
  });

  it("the Markdown table shows the score of a passing case too", () => {
    expect(formatMarkdownSummary(run)).toContain("(weighted score 0.75, threshold 0.7)");
  });

  it("the JSON results keep score, threshold and weights in the published shape", () => {
    const validate = schemaValidator("results");
    expect(validate(JSON.parse(JSON.stringify(run)))).toBe(true);
  });

  it("a failed case whose reply hit the token limit says so, after what failed", () => {
    const cut: CaseResult = { ...belowThreshold, finishReason: "length" };
    const root = formatJunitReport(runResults([cut]));
    expect(root).toContain("the reply was cut off by the token limit (finish reason length)");
    const whole: CaseResult = { ...cut, finishReason: "stop" };
    expect(formatJunitReport(runResults([whole]))).not.toContain("cut off");
  });
});
