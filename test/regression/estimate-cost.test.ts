import { describe, expect, it } from "vitest";
import type { Provider } from "../../src/providers/provider.js";
import { estimateRunCost, refuseOverBudget } from "../../src/regression/estimate-cost.js";
import type { TestCase } from "../../src/regression/plan-cases.js";

const provider = {
  id: "openai:gpt-4o",
  kind: "openai",
  model: "gpt-4o",
  cacheScope: "{}",
} as unknown as Provider;

function testCase(maxTokens: number | undefined): TestCase {
  return {
    key: "k",
    promptId: "p",
    version: "draft",
    hash: "sha256:x",
    compiled: {
      messages: [{ role: "user", content: "Summarise this ticket in three short bullet points please" }],
      model: {
        provider: "openai",
        name: "gpt-4o",
        ...(maxTokens ? { params: { max_tokens: maxTokens } } : {}),
      },
    },
    test: { name: "t", assert: [] },
    vars: {},
    provider: provider.id,
    sample: 1,
    promptDir: "/",
    location: { file: "p.prompt.yaml", line: 1 },
  };
}

describe("--max-cost estimates before anything is sent", () => {
  it("prices input tokens of the rendered prompt and output at the prompt's max_tokens", async () => {
    const seen: Array<{ input: number; output: number }> = [];
    const estimate = await estimateRunCost(
      [testCase(100), testCase(undefined)],
      () => provider,
      (_p, tokens) => {
        seen.push(tokens);
        return tokens.input / 1e6 + tokens.output / 1e6;
      },
      undefined,
    );
    expect(seen[0]!.output).toBe(100);
    expect(seen[1]!.output).toBe(512);
    expect(seen[0]!.input).toBeGreaterThan(5);
    expect(estimate.usd).toBeCloseTo((seen[0]!.input + 100 + seen[1]!.input + 512) / 1e6);
  });

  it("refuses a run estimated above the limit, and names unpriced models apart", async () => {
    const estimate = await estimateRunCost(
      [testCase(1000), testCase(500)],
      () => provider,
      () => null,
      undefined,
    );
    expect(estimate).toEqual({ usd: 0, unpriced: ["openai:gpt-4o"], cached: 0 });
    expect(() => refuseOverBudget({ usd: 0.5, unpriced: [], cached: 0 }, 0.1)).toThrow(
      "over --max-cost $0.1",
    );
    expect(() => refuseOverBudget({ usd: 0.05, unpriced: [], cached: 0 }, 0.1)).not.toThrow();
    expect(() => refuseOverBudget({ usd: 0, unpriced: ["exec:local"], cached: 0 }, 0.1)).toThrow(
      "--max-cost cannot bound this run: no price is known for exec:local",
    );
  });

  it("counts the offline echo provider as spending nothing, priced or not", async () => {
    const echo = { ...provider, kind: "echo", model: "echo" } as unknown as Provider;
    const estimate = await estimateRunCost(
      [testCase(100)],
      () => echo,
      () => null,
      undefined,
    );
    expect(estimate.unpriced).toEqual([]);
  });
});

describe("--max-cost counts the graders' calls too", () => {
  const judge = { kind: "openai", model: "gpt-4o" } as const;
  const embedder = { kind: "openai", model: "text-embedding-3-small" } as const;
  const graders = (pairwise = false) => ({
    judge: () => judge,
    embeddings: () => embedder,
    pairwise: () => pairwise,
  });
  const pricedCalls = async (testCases: TestCase[], pairwise = false) => {
    const calls: Array<{ model: string; tokens: { input: number; output: number } }> = [];
    const estimate = await estimateRunCost(
      testCases,
      () => provider,
      (p, tokens) => {
        calls.push({ model: p.model, tokens });
        return 0.01;
      },
      undefined,
      graders(pairwise),
    );
    return { calls, estimate };
  };

  it("adds one priced call per llm-judge assertion, reading the reply it grades", async () => {
    const judged = testCase(100);
    judged.test = { name: "t", assert: [{ contains: "x" }, { "llm-judge": "polite" }] };
    const { calls, estimate } = await pricedCalls([judged]);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual({ model: "gpt-4o", tokens: { input: 100 + 400, output: 150 } });
    expect(estimate.usd).toBe(0.02);
  });

  it("with --judge-pairwise, two more judge calls per rubric, reading both replies", async () => {
    const judged = testCase(100);
    judged.test = { name: "t", assert: [{ "llm-judge": "polite" }] };
    const { calls } = await pricedCalls([judged], true);
    expect(calls.map((c) => c.tokens)).toEqual([
      { input: expect.any(Number), output: 100 },
      { input: 100 + 400, output: 150 },
      { input: 2 * 100 + 400, output: 150 },
      { input: 2 * 100 + 400, output: 150 },
    ]);
  });

  it("prices a similar assertion's embeddings: the reply and what it is compared with", async () => {
    const compared = testCase(100);
    compared.test = { name: "t", assert: [{ similar: { to: "a refund within 30 days", threshold: 0.8 } }] };
    const { calls } = await pricedCalls([compared]);
    expect(calls[1]).toEqual({ model: "text-embedding-3-small", tokens: { input: 200, output: 0 } });
  });
});
