import { describe, expect, it } from "vitest";
import type { CaseResult, RunResults } from "../../src/regression/results.js";
import { formatHtmlReport } from "../../src/reporters/html-reporter.js";

const base: CaseResult = {
  prompt: "support-agent",
  version: "draft",
  hash: `sha256:${"a".repeat(64)}`,
  provider: "openai:gpt-4o-mini",
  test: "mentions the refund window",
  status: "pass",
  output: "Refunds within 30 days.",
  latencyMs: 812,
  cached: false,
  tokens: { input: 350, output: 75 },
  costUsd: 0.0002,
  assertions: [{ type: "contains", pass: true, score: 1, message: "found" }],
};

const run: RunResults = {
  summary: {
    total: 2,
    passed: 1,
    failed: 1,
    errors: 0,
    durationMs: 1200,
    tokens: { input: 700, output: 150 },
    costUsd: 0.0004,
  },
  results: [
    base,
    {
      ...base,
      test: "never names a <competitor>",
      status: "fail",
      output: "Try <script>alert(1)</script> at Rival Corp, key sk-abcdefghijklmnopqrstuvwxyz123456",
      assertions: [
        { type: "not-contains", pass: false, score: 0, message: 'expected no "Rival" but found it' },
      ],
    },
  ],
};

describe("html reporter", () => {
  it("is one self-contained page listing every case, with failures' details", () => {
    const html = formatHtmlReport(run);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("1 passed, 1 failed, 0 errors, 2 total");
    expect(html).toContain("mentions the refund window");
    expect(html).toContain("expected no &#34;Rival&#34; but found it");
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it("shows the tool calls of every case, passed ones too, escaped, and says when the model called none", () => {
    const html = formatHtmlReport({
      ...run,
      results: [
        { ...base, toolCalls: [{ name: "lookup_order", args: { order_id: "<A-17>" } }] },
        { ...base, test: "answers in text", toolCalls: [] },
      ],
    });
    expect(html).toContain(
      '<div class="tool-calls">tool calls: lookup_order {&#34;order_id&#34;:&#34;&#60;A-17&#62;&#34;}</div>',
    );
    expect(html).toContain('<div class="tool-calls">tool calls: none</div>');
  });

  it("escapes model output and test names, and redacts keys", () => {
    const html = formatHtmlReport(run);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain("never names a &#60;competitor&#62;");
    expect(html).not.toContain("sk-abcdefghijklmnopqrstuvwxyz123456");
  });
});
