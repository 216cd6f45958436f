import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { OutputDiffs } from "../../src/regression/baseline/output-diffs.js";
import type { CaseResult } from "../../src/regression/results.js";

const reply = (version: CaseResult["version"], output: string, status: CaseResult["status"] = "pass") =>
  ({
    prompt: "support-agent",
    version,
    hash: "sha256:x",
    provider: "openai:gpt-4o-mini",
    test: "mentions refund window",
    status,
    output,
    latencyMs: 100,
    cached: false,
    tokens: { input: 1, output: 1 },
    costUsd: 0,
    assertions: [],
  }) as CaseResult;

const THEN = "Refunds within 30 days.\nThanks!";
const NOW = "Refunds within 14 days.\nThanks!";

describe("diffs of outputs against their baseline twins", () => {
  it("a unified diff from the baseline's reply to the current one, empty when they are equal", () => {
    const diffs = new OutputDiffs();
    const diff = diffs.diff(
      { label: "support-agent@v3", output: THEN },
      { label: "support-agent@draft", output: NOW },
    );
    expect(diff).toContain("--- support-agent@v3\n+++ support-agent@draft\n");
    expect(diff).toContain("-Refunds within 30 days.\n+Refunds within 14 days.\n");
    expect(diff).not.toContain("No newline at end of file");
    expect(diffs.diff({ label: "a", output: NOW }, { label: "b", output: NOW })).toBe("");
  });

  it("works out a pair's diff during the run once both replies are in, whichever came first", async () => {
    for (const order of [
      ["current", "baseline"],
      ["baseline", "current"],
    ] as const) {
      const diffs = new OutputDiffs();
      for (const side of order) diffs.pairUp(side, side === "current" ? reply("draft", NOW) : reply(3, THEN));
      await nextTurn();
      expect(diffs.size).toBe(1);
      // The comparison at the end gets the same text it would have worked out itself.
      expect(
        diffs.diff(
          { label: "support-agent@v3", output: THEN },
          { label: "support-agent@draft", output: NOW },
        ),
      ).toBe(
        new OutputDiffs().diff(
          { label: "support-agent@v3", output: THEN },
          { label: "support-agent@draft", output: NOW },
        ),
      );
      expect(diffs.size).toBe(1);
    }
  });

  it("leaves alone a reply without a twin yet and a side that errored", async () => {
    const diffs = new OutputDiffs();
    diffs.pairUp("current", reply("draft", NOW));
    diffs.pairUp("baseline", reply(3, "", "error"));
    await nextTurn();
    expect(diffs.size).toBe(0);
  });
});
