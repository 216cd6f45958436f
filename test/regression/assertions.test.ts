import { describe, expect, it } from "vitest";
import {
  type AssertionContext,
  assertionHandlers,
  evaluateAssertion,
  evaluateAssertions,
} from "../../src/regression/assertions/index.js";

function context(output: string, vars: Record<string, unknown> = {}): AssertionContext {
  return { output, vars, tokens: { input: 100, output: 20 }, latencyMs: 400, costUsd: null, promptDir: "/" };
}

const ticketSchema = {
  type: "object",
  required: ["category", "urgent"],
  additionalProperties: false,
  properties: { category: { enum: ["billing", "outage"] }, urgent: { type: "boolean" } },
};

describe("assertions", () => {
  it("json-schema refuses a reply wrapped in a ```json fence unless allowFence, and reads it then", async () => {
    const fenced = '```json\n{ "category": "billing", "urgent": true }\n```';
    const strict = await evaluateAssertion({ "json-schema": ticketSchema }, context(fenced));
    expect(strict.pass).toBe(false);
    expect(strict.message).toContain("write `json-schema: { schema: …, allowFence: true }`");
    const lenient = { "json-schema": { schema: ticketSchema, allowFence: true } };
    expect(await evaluateAssertion(lenient, context(fenced))).toEqual({
      type: "json-schema",
      pass: true,
      score: 1,
      message: "output is JSON matching the schema (inside a ```json fenced block, accepted by allowFence)",
    });
    const wrong = '```json\n{ "category": "billing", "urgent": "yes", "note": 1 }\n```';
    const result = await evaluateAssertion(lenient, context(wrong));
    expect(result.pass).toBe(false);
    expect(result.message).toBe(
      'expected output to match the JSON schema (inside a ```json fenced block, accepted by allowFence); the document has unknown property "note"; /urgent must be boolean (found "yes")',
    );
  });

  it("a templated value with a missing variable fails that assertion only, and says which variable", async () => {
    const results = await evaluateAssertions(
      [{ contains: "{{ customer.name }}" }, { contains: "refund" }],
      context("Your refund is on its way, Ann.", { userMessage: "refund?" }),
    );
    expect(results).toEqual([
      {
        type: "contains",
        pass: false,
        score: 0,
        message:
          'cannot render expected value "{{ customer.name }}": undefined variable "customer" (the test\'s vars: userMessage)',
      },
      expect.objectContaining({ type: "contains", pass: true, score: 1 }),
    ]);
  });

  it("evaluateAssertions keeps the order of the assertions", async () => {
    const results = await evaluateAssertions(
      [{ "max-tokens": 10 }, { "is-json": false }, { "max-cost-usd": 1 }, { "not-refusal": true }],
      context("Sure, here it is."),
    );
    expect(results.map((r) => [r.type, r.pass])).toEqual([
      ["max-tokens", false],
      ["is-json", true],
      ["max-cost-usd", false],
      ["not-refusal", true],
    ]);
  });

  it("a judge handed in receives the rendered rubric, and without one the assertion fails saying what it needs", async () => {
    const seen: unknown[] = [];
    const handlers = assertionHandlers({
      "llm-judge": async (value, ctx) => {
        seen.push(value);
        return { pass: ctx.output.includes("Ann"), score: 0.9, message: "judge: addresses the customer" };
      },
    });
    const assertion = { "llm-judge": { rubric: "Addresses {{ name }} by name", threshold: 0.8 } };
    expect(await evaluateAssertion(assertion, context("Hi Ann", { name: "Ann" }), handlers)).toEqual({
      type: "llm-judge",
      pass: true,
      score: 0.9,
      message: "judge: addresses the customer",
    });
    expect(seen).toEqual([{ rubric: "Addresses Ann by name", threshold: 0.8 }]);
    const after = await evaluateAssertion({ "llm-judge": "Is polite" }, context("Hi"));
    expect(after).toMatchObject({ pass: false, score: 0 });
    expect(after.message).toBe("llm-judge needs a judge provider, and none is configured for this run");
  });

  it("an error thrown by a handed-in handler propagates, so the runner can report an error, not a fail", async () => {
    const handlers = assertionHandlers({
      similar: () => {
        throw new Error("embeddings endpoint returned 503");
      },
    });
    await expect(evaluateAssertion({ similar: "hello" }, context("hi"), handlers)).rejects.toThrow("503");
  });

  it("a handler for a type that does not exist is a programmer error", () => {
    expect(() => assertionHandlers({ sentiment: () => ({ pass: true, message: "" }) } as never)).toThrow(
      'assertionHandlers: "sentiment" is not an assertion type',
    );
  });

  it("a handler's score outside 0..1 is a programmer error", async () => {
    const handlers = assertionHandlers({ similar: () => ({ pass: true, score: 7, message: "?" }) });
    await expect(evaluateAssertion({ similar: "x" }, context("x"), handlers)).rejects.toThrow(TypeError);
  });
});
