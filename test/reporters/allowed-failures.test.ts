import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { reportPayload } from "../../src/reporters/html/report-payload.js";
import { formatJsonReport } from "../../src/reporters/json-reporter.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { createPrettyReporter } from "../../src/reporters/pretty-reporter.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { errored, failed, fakeStream, passed, runResults } from "./fixtures.js";
import { parseXml } from "./parse-xml.js";

// A team marks a flaky test `allow-fail`: when it fails, every report says so, and none of them
// shows it as the kind of failure that should block a merge.
const allowedFail: CaseResult = { ...failed, allowedFailure: true };
const allowedError: CaseResult = { ...errored, allowedFailure: true };
const run = runResults([passed, allowedFail, allowedError]);

describe("a failure of an allow-fail test, in every reporter", () => {
  it("is a GitHub warning, not an error", () => {
    const lines = formatGithubAnnotations(run.results, { projectRoot: "/repo", from: "/repo" });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^::warning file=prompts\/support-agent\.prompt\.yaml,line=\d+,title=/);
      expect(line).toContain("allowed to fail");
    }
    // A failure that is not allowed is still an error.
    expect(formatGithubAnnotations([failed], { projectRoot: "/repo", from: "/repo" })[0]).toMatch(
      /^::error /,
    );
  });

  it("is a skipped test case in JUnit, with why, never a <failure> or <error>", () => {
    const root = parseXml(formatJunitReport(run));
    expect(root.attributes).toMatchObject({ tests: "3", failures: "0", errors: "0" });
    const cases = root.children.flatMap((suite) => suite.children);
    const [ok, fail, error] = cases;
    expect(ok!.children).toEqual([]);
    for (const testcase of [fail!, error!]) {
      expect(testcase.children.map((c) => c.name)).not.toContain("failure");
      expect(testcase.children.map((c) => c.name)).not.toContain("error");
      const skipped = testcase.children.find((c) => c.name === "skipped")!;
      expect(skipped.attributes.message).toMatch(/^allowed to fail: /);
    }
    expect(fail!.children.find((c) => c.name === "skipped")!.attributes.message).toContain(
      "max-length: expected at most 200 characters, found 563",
    );
    expect(
      root.children.map((s) => [s.attributes.failures, s.attributes.errors, s.attributes.skipped]),
    ).toEqual([
      ["0", "0", "1"],
      ["0", "0", "1"],
    ]);
  });

  it("is marked as allowed in the pretty output, and the summary line does not look like a failure", async () => {
    const out = fakeStream(false);
    const reporter = createPrettyReporter({
      stream: out.stream,
      streamName: "stdout",
      env: {},
      projectRoot: "/work/proj",
      cwd: "/work/proj",
    });
    for (const c of run.results)
      reporter.onCaseFinished?.(c, { done: 1, total: 3, passed: 1, failed: 1, errors: 1 });
    await reporter.finish(run);
    const lines = out.text().split("\n");
    expect(lines[1]).toBe(
      '✗ support-agent › answers "short", politely [openai:gpt-4o-mini] 1.5s (allowed to fail)',
    );
    expect(lines[2]).toBe(
      "! support-agent › mentions refund window [anthropic:claude-3-5-haiku] 30.0s (allowed to fail)",
    );
    expect(out.text()).toContain("2 allowed to fail");
  });

  it("is marked as allowed in Markdown, and the heading is not a red cross", () => {
    const markdown = formatMarkdownSummary(run);
    expect(markdown.split("\n")[0]).not.toContain("❌");
    expect(markdown).toContain("2 allowed to fail");
    expect(markdown).toMatch(/#### .*answers "short", politely.* \(allowed to fail\)/);
    expect(markdown).toMatch(/\| ❌ fail \(allowed to fail\) \| support-agent \|/);
  });

  it("is marked as allowed in HTML (how the page shows it: html-report-browser.test.ts)", () => {
    const { index } = reportPayload(run);
    expect(index.counts).toBe("1 passed, 1 failed, 1 error, 3 total (2 allowed to fail)");
    expect(index.failedRun).toBe(false);
    expect(index.cases.map((c) => c.allowed)).toEqual([false, true, true]);
  });

  it('is "allowedFailure": true in JSON, which the results schema accepts', () => {
    const report = JSON.parse(formatJsonReport(run));
    expect(report.results.map((r: CaseResult) => r.allowedFailure)).toEqual([undefined, true, true]);
    const validate = schemaValidator("results");
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });
});
