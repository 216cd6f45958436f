import { describe, expect, it } from "vitest";
import { assertionsVerdict, weightedScore } from "../../src/regression/assertions/weighted-score.js";
import type { AssertionResult } from "../../src/regression/results.js";

const result = (pass: boolean, score: number, weight?: number): AssertionResult => ({
  type: "contains",
  pass,
  score,
  message: "",
  ...(weight === undefined ? {} : { weight }),
});

describe("a test's verdict from weighted assertions", () => {
  it("without a threshold, every assertion that counts must pass", () => {
    expect(assertionsVerdict([result(true, 1), result(false, 0)], undefined)).toEqual({ pass: false });
    expect(assertionsVerdict([result(true, 1), result(false, 0, 0)], undefined)).toEqual({ pass: true });
  });

  it("with a threshold, the weighted mean decides even when an assertion failed", () => {
    const tone = result(false, 0, 1);
    const facts = result(true, 1, 3);
    expect(assertionsVerdict([tone, facts], 0.7)).toEqual({ pass: true, score: 0.75, threshold: 0.7 });
    expect(assertionsVerdict([tone, facts], 0.8)).toEqual({ pass: false, score: 0.75, threshold: 0.8 });
  });

  it("a weight of 0 is shown but not counted in the score", () => {
    expect(weightedScore([result(true, 1), result(false, 0, 0)])).toBe(1);
    expect(weightedScore([result(false, 0, 0)])).toBeUndefined();
  });

  it("graded scores count with their weights", () => {
    expect(weightedScore([result(true, 0.9, 2), result(false, 0.3, 1)])).toBe(0.7);
  });
});
