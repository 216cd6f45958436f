import { describe, expect, it, vi } from "vitest";

// Stand-ins that only record being loaded: the question is when the SDK modules are imported.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("openai", () => {
  loaded.add("openai");
  return { OpenAI: class {} };
});
vi.mock("@anthropic-ai/sdk", () => {
  loaded.add("@anthropic-ai/sdk");
  return { Anthropic: class {} };
});

describe("provider SDKs load only when a provider of their kind is created", () => {
  it("importing the provider layer and using echo loads neither SDK", async () => {
    const { createProvider } = await import("../../src/providers/create-provider.js");
    const { parseProviderSpec } = await import("../../src/providers/provider-spec.js");
    await import("../../src/providers/pricing.js");
    await createProvider(parseProviderSpec("echo"), {});
    expect([...loaded]).toEqual([]);
  });

  it("creating an openai provider loads openai, and only it", async () => {
    const { createProvider } = await import("../../src/providers/create-provider.js");
    const { parseProviderSpec } = await import("../../src/providers/provider-spec.js");
    await createProvider(parseProviderSpec("openai:gpt-4o-mini"), { OPENAI_API_KEY: "k" });
    expect([...loaded]).toEqual(["openai"]);
  });
});
