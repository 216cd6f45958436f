import { describe, expect, it } from "vitest";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { allCases, cached, failed, passed, runResults } from "./fixtures.js";

describe("the Markdown summary", () => {
  const md = formatMarkdownSummary(runResults());

  it("counts passes per prompt version and provider", () => {
    expect(md).toContain("## ❌ promptops test: 2 passed, 1 failed, 1 error, 4 total");
    expect(md).toContain("Duration 5.3s · 830 in / 345 out tokens · cost unknown");
    expect(md).toContain("| support-agent | openai:gpt-4o-mini | 1/2 | 1 | 0 |");
    expect(md).toContain("| support-agent | anthropic:claude-3-5-haiku | 0/1 | 0 | 1 |");
    expect(md).toContain("| billing/refund v3 | openai:my-finetune | 1/1 | 0 | 0 |");
  });

  it("explains each failure: where, expected vs found, and the reply", () => {
    const failures = md.slice(md.indexOf("### Failures"), md.indexOf("<details><summary>All"));
    expect(failures).toContain("`prompts/support-agent.prompt.yaml:20`");
    for (const assertion of failed.assertions.filter((a) => !a.pass))
      expect(failures).toContain(assertion.message);
    expect(failures).not.toContain("starts-with");
    expect(failures).toContain("```text\nDear <customer> & co,\uFFFD[31m");
    expect(failures).toContain("529 overloaded\\_error (3 attempts)<br>x-api-key: ");
  });

  it("lists every case, whatever its status, with table-breaking text escaped", () => {
    const all = md.slice(md.indexOf("<details><summary>All 4 cases"));
    expect(
      all
        .split("\n")
        .filter((line) => line.startsWith("| ✅") || line.startsWith("| ❌") || line.startsWith("| ⚠️")),
    ).toHaveLength(allCases.length);
    expect(all).toContain(
      `| ✅ pass | billing/refund v3 | quotes the policy \\| verbatim | openai:my-finetune | 2ms | yes |`,
    );
  });

  it("says all passed and has no failures section when nothing failed", () => {
    const ok = formatMarkdownSummary(runResults([passed, cached]));
    expect(ok).toMatch(/^## ✅ promptops test: 2 passed, 0 failed, 0 errors, 2 total/);
    expect(ok).not.toContain("### Failures");
  });

  it("fences a reply holding backticks with a longer fence", () => {
    const ticks = { ...failed, output: "see ```js\ncode\n```" };
    expect(formatMarkdownSummary(runResults([ticks]))).toContain("````text\nsee ```js\ncode\n```\n````");
  });
});
