import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { PromptTest } from "../../src/prompt/prompt-file.js";
import type { TestCase } from "../../src/regression/plan-cases.js";
import { aggregateSamples, reportedCaseCount } from "../../src/regression/repeats.js";
import type { CaseResult, CaseStatus } from "../../src/regression/results.js";
import { summarise } from "../../src/regression/summarise.js";
import { problemMessages } from "../../src/reporters/format-results.js";
import { formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { formatCaseLine } from "../../src/reporters/pretty-format.js";

const plain = new Chalk({ level: 0 });
const HASH = `sha256:${"a".repeat(64)}`;

function sampleCase(sample: number, test: PromptTest): TestCase {
  return {
    key: `support-agent@draft|${test.name}|openai:gpt-4o-mini|${sample}`,
    promptId: "support-agent",
    version: "draft",
    hash: HASH,
    compiled: { messages: [] },
    test,
    vars: {},
    provider: "openai:gpt-4o-mini",
    sample,
    promptDir: "/work/proj/prompts",
    location: { file: "prompts/support-agent.prompt.yaml", line: 12 },
  };
}

function sampleResult(status: CaseStatus, output: string): CaseResult {
  const pass = status === "pass";
  return {
    prompt: "support-agent",
    version: "draft",
    hash: HASH,
    provider: "openai:gpt-4o-mini",
    test: "mentions the refund window",
    status,
    output,
    latencyMs: 100,
    cached: false,
    tokens: status === "error" ? { input: 0, output: 0 } : { input: 300, output: 50 },
    costUsd: status === "error" ? null : 0.0001,
    assertions:
      status === "error"
        ? []
        : [
            {
              type: "contains",
              pass,
              score: pass ? 1 : 0,
              message: pass ? 'output contains "30 days"' : 'expected "30 days", found none',
            },
          ],
    ...(status === "error" ? { error: "429 Too Many Requests (after 3 attempts)" } : {}),
    location: { file: "prompts/support-agent.prompt.yaml", line: 12 },
  };
}

/** One case run with these sample outcomes, aggregated as the runner does. */
function repeated(outcomes: CaseStatus[], passRate?: number): CaseResult {
  const test: PromptTest = {
    name: "mentions the refund window",
    assert: [{ contains: "30 days" }],
    ...(passRate === undefined ? {} : { "pass-rate": passRate }),
  };
  return aggregateSamples(
    outcomes.map((status, i) => ({
      testCase: sampleCase(i + 1, test),
      result: sampleResult(status, `answer ${i + 1}`),
    })),
  );
}

describe("a repeated case's verdict", () => {
  it.each([
    [["pass", "fail", "pass"], 0.6, "pass"],
    [["pass", "fail", "pass"], undefined, "fail"],
    [["pass", "pass", "pass"], undefined, "pass"],
    [["fail", "fail", "fail"], 0, "pass"],
    // 7 of 10 is exactly 0.7, though 0.7 × 10 is 7.000000000000001 in floating point.
    [[...Array(7).fill("pass"), ...Array(3).fill("fail")], 0.7, "pass"],
    [[...Array(4).fill("pass"), "fail"], 0.8, "pass"],
    [[...Array(3).fill("pass"), "fail", "fail"], 0.8, "fail"],
    // Errors do not pass; had they passed the rate would hold, so the case is an error, not a fail.
    [["pass", "error", "pass"], 0.6, "pass"],
    [["pass", "error", "pass"], 1, "error"],
    [["error", "error", "error"], 1, "error"],
    // The failure alone sinks it, whatever the error would have been.
    [["fail", "error", "pass"], 1, "fail"],
    [["fail", "error", "pass", "pass", "pass"], 0.8, "error"],
  ] as Array<[CaseStatus[], number | undefined, CaseStatus]>)(
    "%j with pass-rate %s is %s",
    (outcomes, rate, status) => {
      const result = repeated(outcomes, rate);
      expect(result.status).toBe(status);
      expect(result.repeats?.runs).toBe(outcomes.length);
      expect(result.repeats?.passed).toBe(outcomes.filter((o) => o === "pass").length);
      // The sample shown has the case's own status (when one has: pass-rate 0 passes anything).
      if (outcomes.includes(status))
        expect(result.repeats?.samples[result.repeats.shown - 1]?.status).toBe(status);
    },
  );

  it("shows the first sample with the case's status, and keeps every sample", () => {
    const result = repeated(["pass", "fail", "fail"]);
    expect(result).toMatchObject({ status: "fail", output: "answer 2", repeats: { shown: 2 } });
    expect(result.repeats?.samples.map((s) => s.output)).toEqual(["answer 1", "answer 2", "answer 3"]);
    expect(result.repeats?.scores).toEqual({ min: 0, max: 1, mean: 0.3333, stdev: 0.4714 });
  });

  it("adds up what every sample spent; a single sample is reported as it is", () => {
    const result = repeated(["pass", "error", "fail"]);
    expect(result.tokens).toEqual({ input: 600, output: 100 });
    expect(result.costUsd).toBeCloseTo(0.0002, 12);
    expect(repeated(["error", "error"]).costUsd).toBeNull();
    const single = repeated(["fail"]);
    expect(single.repeats).toBeUndefined();
    expect(single).toEqual(sampleResult("fail", "answer 1"));
  });

  it("adds up every sample's grading (llm-judge, embeddings) too", () => {
    const test: PromptTest = { name: "mentions the refund window", assert: [] };
    const judge = { calls: 1, tokens: { input: 50, output: 10 }, costUsd: 0.00001 };
    const result = aggregateSamples(
      [1, 2].map((n) => ({
        testCase: sampleCase(n, test),
        result: { ...sampleResult("pass", "ok"), judge },
      })),
    );
    expect(result.judge?.calls).toBe(2);
    expect(result.judge?.tokens).toEqual({ input: 100, output: 20 });
    expect(result.judge?.costUsd).toBeCloseTo(0.00002, 12);
  });

  it("is counted once in the summary and in progress", () => {
    const results = [repeated(["pass", "fail", "pass"], 0.6), repeated(["pass", "fail", "pass"])];
    expect(summarise(results, 10)).toMatchObject({ total: 2, passed: 1, failed: 1, errors: 0 });
    const test: PromptTest = { name: "t", assert: [] };
    expect(reportedCaseCount([1, 2, 3].map((n) => sampleCase(n, test)))).toBe(1);
  });
});

describe("reporters show a repeated case's pass rate and score spread", () => {
  const failing = repeated(["pass", "fail", "pass"]);
  const passing = repeated(["pass", "fail", "pass"], 0.6);
  const run = { summary: summarise([passing, failing], 1000), results: [passing, failing] };

  it("pretty: on the case's line", () => {
    expect(formatCaseLine(passing, plain)).toBe(
      "✓ support-agent › mentions the refund window [openai:gpt-4o-mini] 100ms · 2/3 passed (67%, needs 60%) · scores 0.00–1.00, mean 0.67 ± 0.47",
    );
    expect(formatCaseLine(repeated(["pass", "pass"]), plain)).toMatch(
      /· 2\/2 passed \(100%, needs 100%\) · score 1\.00 every run$/,
    );
  });

  it("every reporter's failure text: the pass rate first, then what the failing sample got wrong", () => {
    expect(problemMessages(failing)).toEqual([
      "2/3 passed (67%, needs 100%) · scores 0.00–1.00, mean 0.67 ± 0.47",
      'sample 2: contains: expected "30 days", found none',
    ]);
    expect(problemMessages(repeated(["pass", "error", "pass"]))).toEqual([
      "2/3 passed (67%, needs 100%) · scores 0.00–1.00, mean 0.67 ± 0.47",
      "sample 2: 429 Too Many Requests (after 3 attempts)",
    ]);
  });

  it("junit: one testcase per case, its failure carrying the pass rate", () => {
    const xml = formatJunitReport(run);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain('tests="2" failures="1" errors="0"');
    expect(xml).toContain(
      'message="2/3 passed (67%, needs 100%) · scores 0.00–1.00, mean 0.67 ± 0.47; sample 2: contains: expected &quot;30 days&quot;, found none"',
    );
  });

  it("markdown: the pass rate beside each repeated case's status", () => {
    const markdown = formatMarkdownSummary(run);
    expect(markdown).toContain("| ✅ pass 2/3 passed (67%, needs 60%) | support-agent |");
    expect(markdown).toContain("| ❌ fail 2/3 passed (67%, needs 100%) | support-agent |");
    expect(markdown).toContain("- 2/3 passed (67%, needs 100%) · scores 0.00–1.00, mean 0.67 ± 0.47");
  });

  it("github: one annotation for the failing case, saying its pass rate", () => {
    const annotations = formatGithubAnnotations(run.results, { projectRoot: "/r", from: "/r" });
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toContain(
      "::2/3 passed (67%25, needs 100%25) · scores 0.00–1.00, mean 0.67 ± 0.47%0Asample 2: contains: ",
    );
  });
});
