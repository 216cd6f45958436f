import { describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import { addUsd, costUsd, priceOf } from "../../src/providers/pricing.js";
import type { ProviderCall } from "../../src/providers/provider.js";
import { ProviderError } from "../../src/providers/provider-errors.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import type { CaseResult } from "../../src/regression/results.js";
import { summarise } from "../../src/regression/summarise.js";

describe("the echo provider, offline", () => {
  it("makes no tool calls, and says so once for a prompt that declares tools", async () => {
    const provider = await createProvider(parseProviderSpec("echo"), {});
    const call = (tools?: ProviderCall["tools"]) =>
      provider.call({
        messages: [{ role: "user", content: "Where is order A-17?" }],
        params: {},
        ...(tools ? { tools } : {}),
        signal: new AbortController().signal,
      });
    const withTools = await call([{ type: "function", function: { name: "lookup_order" } }]);
    expect(withTools.toolCalls).toBeUndefined();
    expect(withTools.notes).toEqual([
      "echo makes no tool calls: a tool-call assertion fails on it, and no-tool-call always holds",
    ]);
    expect((await call()).notes).toBeUndefined();
  });

  it("replies with every rendered message, history included, and estimated tokens", async () => {
    const provider = await createProvider(parseProviderSpec("echo"), {});
    const reply = await provider.call({
      messages: [
        { role: "system", content: "You are a support agent for Acme." },
        { role: "user", content: "My order is late." },
        { role: "assistant", content: "Which order?" },
        {
          role: "user",
          content: [
            { type: "text", text: "Order A-17" },
            { type: "image_url", image_url: { url: "https://x/receipt.png" } },
          ],
        },
      ],
      params: { temperature: 0 },
      signal: new AbortController().signal,
    });
    expect(reply.output).toBe(
      [
        "── system ──\nYou are a support agent for Acme.",
        "── user ──\nMy order is late.",
        "── assistant ──\nWhich order?",
        "── user ──\nOrder A-17\n[image: https://x/receipt.png]\n",
      ].join("\n\n"),
    );
    expect(reply.tokens.estimated).toBe(true);
    expect(reply.tokens.input).toBeGreaterThan(10);
    expect(reply.tokens.output).toBeGreaterThan(10);
  });

  it("an aborted call does not answer", async () => {
    const provider = await createProvider(parseProviderSpec("echo"), {});
    const controller = new AbortController();
    controller.abort();
    const error = await provider
      .call({ messages: [], params: {}, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "aborted" });
  });
});

describe("what a call costs", () => {
  it("prices known models from the built-in table, dated snapshots included", () => {
    expect(costUsd("openai:gpt-4o-mini", { input: 1_000_000, output: 1_000_000 })).toBeCloseTo(0.75, 10);
    expect(costUsd("openai:gpt-4o-mini-2024-07-18", { input: 2000, output: 500 })).toBeCloseTo(0.0006, 10);
    expect(
      costUsd({ kind: "anthropic", model: "claude-haiku-4-5" }, { input: 1000, output: 1000 }),
    ).toBeCloseTo(0.006, 10);
    expect(priceOf("anthropic:claude-sonnet-4-5-20250929")).toEqual({ input: 3, output: 15 });
    expect(priceOf("anthropic:claude-3-5-haiku-latest")).toEqual({ input: 0.8, output: 4 });
    expect(priceOf("openai:gpt-4o-2024-05-13")).toEqual({ input: 5, output: 15 });
  });

  it("an unknown model costs null, never 0", () => {
    expect(costUsd("openai:gpt-99-turbo", { input: 10, output: 10 })).toBeNull();
    expect(costUsd("anthropic:claude-opus-9", { input: 10, output: 10 })).toBeNull();
    // The same model name behind another endpoint need not cost the same.
    expect(costUsd("openai-compatible:gpt-4o-mini", { input: 10, output: 10 })).toBeNull();
  });

  it("echo is free unless the user prices it; exec has a price only when the user gives one", () => {
    // echo answers offline: $0, not an unknown cost.
    expect(costUsd("echo", { input: 100, output: 100 })).toBe(0);
    expect(costUsd("echo", { input: 1e6, output: 0 }, { echo: { input: 1, output: 1 } })).toBe(1);
    expect(costUsd("exec:./reply.sh", { input: 100, output: 100 })).toBeNull();
    expect(
      costUsd("exec:./reply.sh", { input: 1e6, output: 0 }, { "exec:./reply.sh": { input: 1, output: 2 } }),
    ).toBe(1);
  });

  it("config pricing overrides the built-in table", () => {
    const overrides = { "openai:gpt-4o-mini": { input: 0.1, output: 0.2 } };
    expect(costUsd("openai:gpt-4o-mini", { input: 1e6, output: 1e6 }, overrides)).toBeCloseTo(0.3, 10);
    expect(
      costUsd(
        { kind: "openai-compatible", model: "llama3.2" },
        { input: 1e6, output: 0 },
        { "openai-compatible:llama3.2": { input: 0.05, output: 0 } },
      ),
    ).toBeCloseTo(0.05, 10);
  });

  it("a run's total is the sum a person would write: 1,000 replies of $0.000036 cost $0.036", () => {
    const perCase = costUsd("openai:gpt-4o-mini", { input: 120, output: 30 });
    expect(perCase).toBe(0.000036);
    const result = { status: "pass", tokens: { input: 120, output: 30 }, costUsd: perCase };
    const summary = summarise(
      Array.from({ length: 1000 }, () => result as CaseResult),
      0,
    );
    expect(summary.costUsd).toBe(0.036);
    expect(JSON.stringify(summary)).toContain('"costUsd":0.036}');
  });

  it("one unpriced reply makes the total unknown, not a smaller number", () => {
    expect([0.1, null, 0.2].reduce(addUsd, 0)).toBeNull();
    expect([0.1, 0.2].reduce(addUsd, 0)).toBe(0.3);
  });
});
