import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/regression/baseline/compare-baseline.js";
import { sideBySide } from "../../src/reporters/format-baseline.js";
import { formatJsonReport } from "../../src/reporters/json-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { mergeResultFiles } from "../../src/reporters/merge-results.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import {
  baseline,
  current,
  draftCase,
  listPrice,
  prettyText,
  productionPlan,
  runWith,
  v3Case,
} from "../fixtures/baseline/compared-run.js";
import { OPENAI_KEY, tempDir } from "../reporters/fixtures.js";

const validateResults = schemaValidator("results");

const compared = () => compareWithBaseline({ plan: productionPlan(), current, baseline, price: listPrice });

describe("comparing a run with its baseline", () => {
  it("pairs each case with its twin by prompt, test and provider, whatever order they finished in", () => {
    const { results } = compared();
    expect(results.map((r) => [r.test, r.baseline?.change])).toEqual([
      ["quotes the refund window", "regressed"],
      ["greets by name", "improved"],
      ["signs off", "unchanged"],
      ["says hello", undefined],
    ]);
    const refund = results[0]!.baseline!;
    expect(refund.output).toContain("30 days");
    expect(refund.delta).toEqual({
      score: -1,
      tokens: { input: 10, output: 4 },
      costUsd: (10 * 0.15 + 4 * 0.6) / 1_000_000,
      latencyMs: 100,
    });
  });

  it("gives a verdict per prompt × provider with the deltas of pass rate, score, tokens, cost and latency", () => {
    const { report } = compared();
    expect(report.verdicts).toEqual([
      {
        prompt: "support",
        provider: "openai:gpt-4o-mini",
        version: 3,
        verdict: "regressed",
        cases: 3,
        compared: 3,
        regressed: 1,
        improved: 1,
        passDelta: 0,
        scoreDelta: 0,
        tokensDelta: { input: 10, output: 4 },
        costDelta: 0.0000039,
        latencyDelta: 33,
      },
    ]);
    expect(report.missing).toEqual([{ prompt: "newbie", reason: "newbie is not active in production" }]);
  });

  it("compares nothing when either side errored: a provider failure says nothing of the prompt", () => {
    const { results, report } = compareWithBaseline({
      plan: productionPlan(),
      current: [draftCase("quotes the refund window", { status: "error", error: "503", assertions: [] })],
      baseline: [v3Case("quotes the refund window")],
      price: listPrice,
    });
    expect(results[0]!.baseline).toMatchObject({ status: "pass", change: "not-compared" });
    expect(results[0]!.baseline!.delta).toBeUndefined();
    expect(report.verdicts[0]).toMatchObject({ verdict: "unchanged", compared: 0, passDelta: -1 });
  });

  it("pairs repeated samples in order and says when the baseline side never ran", () => {
    const { results } = compareWithBaseline({
      plan: productionPlan(),
      current: [draftCase("signs off", { output: "one" }), draftCase("signs off", { output: "two" })],
      baseline: [v3Case("signs off", { output: "one" })],
      price: listPrice,
    });
    expect(results.map((r) => r.baseline!.output)).toEqual(["one", ""]);
    expect(results[1]!.baseline).toMatchObject({ status: "error", change: "not-compared" });
    expect(results[1]!.baseline!.error).toContain("not run on the baseline");
  });
});

describe("the reports of a baseline run", () => {
  it("pretty: the verdicts, the prompts without a baseline, and a regressed case's outputs side by side", async () => {
    const { results, report } = compared();
    const text = await prettyText(runWith(results, report), 100);
    const section = text.slice(text.indexOf("Baseline env:production:"));
    expect(section).toContain(
      "  ✗ regressed support v3 → draft [openai:gpt-4o-mini] · 1 of 3 regressed, 1 improved · pass rate ±0% · +10 in / +4 out tokens · cost +<$0.0001 · latency +33ms\n",
    );
    expect(section).toContain("  – no baseline newbie · newbie is not active in production\n");
    expect(section).toContain("Regressions (1):");
    expect(section).toContain(
      "✗ support › quotes the refund window [openai:gpt-4o-mini]  prompts/support.prompt.yaml:12\n    v3 pass → draft fail\n",
    );
    // 100 columns: two of 46, the changed line facing its new self, context on both sides.
    const rows = section.slice(section.indexOf("    v3  ")).split("\n").slice(0, 5);
    expect(rows).toEqual([
      `    ${"v3".padEnd(46)} │ draft`,
      `    ${"Hello Ada.".padEnd(46)} │ Hello Ada.`,
      `    ${"Refunds are possible within 30 days of".padEnd(46)} │ Refunds are possible within 60 days of`,
      `    ${"purchase.".padEnd(46)} │ purchase.`,
      `    ${"Anything else?".padEnd(46)} │ Anything else?`,
    ]);
    // The summary line still closes the report.
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^3 passed, 1 failed, 0 errors, 4 total/);
  });

  it("markdown (and GitHub's step summary): a verdict table, the prompts without a baseline, each regression's diff", () => {
    const { results, report } = compared();
    const markdown = formatMarkdownSummary(runWith(results, report));
    expect(markdown).toContain(
      "### ❌ Baseline env:production: 1 regressed, 0 improved, 0 unchanged, 1 without a baseline",
    );
    expect(markdown).toContain(
      "| support | openai:gpt-4o-mini | v3 → draft | ❌ regressed (1 of 3 regressed, 1 improved) | ±0% | 0.00 | +10 in / +4 out | +<$0.0001 | +33ms |",
    );
    expect(markdown).toContain("- No baseline for `newbie`: newbie is not active in production");
    expect(markdown).toContain("##### ❌ support › quotes the refund window \\[openai:gpt-4o-mini\\]");
    expect(markdown).toContain(
      "```diff\n--- support@v3\n+++ support@draft\n@@ -1,3 +1,3 @@\n Hello Ada.\n-Refunds are possible within 30 days of purchase.\n+Refunds are possible within 60 days of purchase.\n Anything else?\n```",
    );
    // Before the failures: a reviewer of a prompt change reads the comparison first.
    expect(markdown.indexOf("Baseline env:production")).toBeLessThan(markdown.indexOf("### Failures"));
  });

  it("json: the baseline fields validate against schemas/results.schema.json, with keys redacted in them too", () => {
    const leaky = [
      v3Case("quotes the refund window", { output: `Refunds within 30 days. ${OPENAI_KEY}` }),
      ...baseline.slice(0, 2),
    ];
    const { results, report } = compareWithBaseline({
      plan: productionPlan(),
      current,
      baseline: leaky,
      price: listPrice,
    });
    const written = formatJsonReport(runWith(results, report));
    expect(written).not.toContain(OPENAI_KEY);
    const json = JSON.parse(written);
    expect(validateResults(json), JSON.stringify(validateResults.errors)).toBe(true);
    expect(Object.keys(json)).toEqual(["summary", "results", "baseline"]);
    expect(Object.keys(json.results[0].baseline).sort()).toEqual(
      [
        "version",
        "hash",
        "status",
        "output",
        "cached",
        "tokens",
        "costUsd",
        "latencyMs",
        "score",
        "assertions",
        "diff",
        "change",
        "delta",
      ].sort(),
    );
  });

  it("lays a diff of several hunks side by side, hunks apart, long lines wrapped at spaces", () => {
    const diff = [
      "--- a@v1",
      "+++ a@draft",
      "@@ -1,2 +1,2 @@",
      " same",
      "-old line",
      "+new line that is longer than the column",
      "@@ -20,1 +20,2 @@",
      "+added at the end",
      "\\ No newline at end of file",
    ].join("\n");
    expect(sideBySide(diff, 20)).toEqual([
      { kind: "same", left: "same", right: "same" },
      { kind: "changed", left: "old line", right: "new line that is" },
      { kind: "changed", left: "", right: "longer than the" },
      { kind: "changed", left: "", right: "column" },
      { kind: "gap", left: "…", right: "…" },
      { kind: "changed", left: "", right: "added at the end" },
    ]);
  });
});

describe("merging the shards of a baseline run", () => {
  it("works the verdicts out again from every shard's cases", async () => {
    const dir = tempDir();
    try {
      const shard = (name: string, cases: typeof current) => {
        const { results, report } = compareWithBaseline({
          plan: productionPlan(),
          current: cases,
          baseline,
          price: listPrice,
        });
        const file = join(dir.path, name);
        writeFileSync(file, formatJsonReport(runWith(results, report)));
        return file;
      };
      // The regression in one shard, the improvement in the other: support's verdict needs both.
      const merged = await mergeResultFiles([
        shard("1.json", current.slice(0, 1)),
        shard("2.json", current.slice(1)),
      ]);
      expect(merged.baseline!.verdicts).toEqual(compared().report.verdicts);
      expect(merged.baseline!.missing).toEqual([
        { prompt: "newbie", reason: "newbie is not active in production" },
      ]);

      const plain = join(dir.path, "plain.json");
      writeFileSync(plain, formatJsonReport(runWith(current.slice(1), undefined)));
      const error = await mergeResultFiles([shard("3.json", current.slice(0, 1)), plain]).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "merge-baseline-mismatch", exitCode: 2 });
      expect((error as Error).message).toBe("the shards were compared with env:production and no baseline");
    } finally {
      dir.cleanup();
    }
  });
});
