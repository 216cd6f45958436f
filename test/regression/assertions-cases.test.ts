import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ASSERTION_TYPES, type Assertion } from "../../src/prompt/prompt-file.js";
import { type AssertionContext, evaluateAssertion } from "../../src/regression/assertions/index.js";
import { ASSERTION_CASE, loadCaseLists } from "../helpers/golden-cases.js";

interface AssertionCase {
  name: string;
  assert: Assertion;
  output: string;
  vars?: Record<string, unknown>;
  /** Measurements of the call, when the case is about them. */
  context?: Partial<
    Pick<AssertionContext, "tokens" | "latencyMs" | "costUsd" | "finishReason" | "toolCalls">
  >;
  /** pass and score exactly; message as one or more substrings. */
  expect: { pass: boolean; score?: number; message?: string | string[] };
}

const dir = new URL("../fixtures/assertions/", import.meta.url);
const cases = loadCaseLists<AssertionCase>(dir, ASSERTION_CASE);

describe("assertion golden cases", () => {
  it.each(cases)("$file: $name", async (testCase) => {
    const context: AssertionContext = {
      output: testCase.output,
      vars: testCase.vars ?? {},
      tokens: { input: 0, output: 0 },
      latencyMs: 0,
      costUsd: 0,
      promptDir: fileURLToPath(dir),
      ...testCase.context,
    };
    const [type] = Object.keys(testCase.assert).filter((key) => key !== "weight");
    const result = await evaluateAssertion(testCase.assert, context);
    expect(result.type).toBe(type ?? "(none)");
    expect(result.pass).toBe(testCase.expect.pass);
    expect(result.score).toBe(testCase.expect.score ?? (testCase.expect.pass ? result.score : 0));
    for (const part of [testCase.expect.message ?? []].flat()) expect(result.message).toContain(part);
  });

  it("cover every assertion type", () => {
    const covered = new Set(cases.flatMap((c) => Object.keys(c.assert)));
    expect(ASSERTION_TYPES.filter((type) => !covered.has(type))).toEqual([]);
  });
});
