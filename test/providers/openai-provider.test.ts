import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { ProviderCall } from "../../src/providers/provider.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { FakeProviderServer } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";

const KEY = "sk-test-openai-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });

const env = () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseURL });

function request(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    messages: [
      { role: "system", content: "You are a support agent for Acme. Refunds: 30-day policy." },
      { role: "user", content: "Can I get my money back?" },
    ],
    params: {},
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe("the openai provider, through the real openai SDK", () => {
  it("returns the model's reply with the usage the API reported", async () => {
    server.reply = () => ({ text: "Yes, within 30 days.", usage: { input: 42, output: 7 } });
    const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), env());
    const reply = await provider.call(request());
    expect(provider).toMatchObject({ id: "openai:gpt-4o-mini", kind: "openai", model: "gpt-4o-mini" });
    expect(reply).toEqual({
      output: "Yes, within 30 days.",
      tokens: { input: 42, output: 7, estimated: false },
      finishReason: "stop",
    });
    expect(server.stats.byPath).toEqual({ "/v1/chat/completions": 1 });
  });

  it("sends the messages, params, response_format and tools as the API expects them", async () => {
    const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), env());
    const responseFormat = {
      type: "json_schema" as const,
      json_schema: { name: "reply", schema: { type: "object", properties: { answer: { type: "string" } } } },
    };
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "lookup_order",
          parameters: { type: "object", properties: { id: { type: "string" } } },
        },
      },
    ];
    const messages: ProviderCall["messages"] = [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: "https://example.com/receipt.png", detail: "low" } },
        ],
      },
    ];
    const params = {
      temperature: 0.2,
      max_tokens: 400,
      top_p: 0.9,
      stop: ["\n\n"],
      seed: 7,
      logit_bias: { "50256": -100 },
    };
    await provider.call(request({ messages, params, responseFormat, tools }));
    const sent = server.lastRequest!;
    expect(sent.body).toEqual({
      model: "gpt-4o-mini",
      messages,
      ...params,
      response_format: responseFormat,
      tools,
      stream: false,
    });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("lets a config entry's params override the prompt's, for a matrix of settings", async () => {
    const spec = parseProviderSpec({
      id: "mini-t0",
      kind: "openai",
      model: "gpt-4o-mini",
      params: { temperature: 0 },
    });
    const provider = await createProvider(spec, env());
    await provider.call(request({ params: { temperature: 0.7, max_tokens: 50 } }));
    expect(server.lastRequest!.body).toMatchObject({ temperature: 0, max_tokens: 50 });
    expect(provider.id).toBe("mini-t0");
    expect(provider.cacheScope).toContain('"temperature":0');
  });

  it("returns tool calls, and shows them as JSON output when the model wrote no text", async () => {
    server.reply = () => ({ text: null, toolCalls: [{ name: "lookup_order", arguments: '{"id":"A-17"}' }] });
    const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), env());
    const reply = await provider.call(request());
    expect(reply.toolCalls).toEqual([{ name: "lookup_order", arguments: '{"id":"A-17"}' }]);
    expect(JSON.parse(reply.output)).toEqual(reply.toolCalls);
    expect(reply.finishReason).toBe("tool_calls");
    // A compatible server that sends "" rather than null for no text: the same output.
    server.reply = () => ({ text: "", toolCalls: [{ name: "lookup_order", arguments: '{"id":"A-17"}' }] });
    expect(JSON.parse((await provider.call(request())).output)).toEqual(reply.toolCalls);
  });

  it("keeps tool call arguments a compatible server sends as an object, or not at all, as JSON text", async () => {
    server.reply = () => ({
      text: null,
      toolCalls: [
        { name: "lookup_order", arguments: { id: "A-17" } },
        { name: "list_orders", arguments: '{"open": tru' },
      ],
    });
    const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), env());
    const reply = await provider.call(request());
    // Text that does not parse stays as the model wrote it: the assertion, not the provider, says so.
    expect(reply.toolCalls).toEqual([
      { name: "lookup_order", arguments: '{"id":"A-17"}' },
      { name: "list_orders", arguments: '{"open": tru' },
    ]);
  });

  it("sends max_tokens as max_completion_tokens to reasoning models, and says so", async () => {
    const provider = await createProvider(parseProviderSpec("openai:o4-mini"), env());
    const reply = await provider.call(request({ params: { max_tokens: 300 } }));
    expect(server.lastRequest!.body).toMatchObject({ max_completion_tokens: 300 });
    expect(server.lastRequest!.body).not.toHaveProperty("max_tokens");
    expect(reply.notes).toEqual([expect.stringContaining("max_completion_tokens")]);
  });

  it("estimates tokens with tokenx when a compatible server reports no usage", async () => {
    server.reply = () => ({ text: "A short answer.", usage: null });
    const spec = parseProviderSpec({
      id: "vllm",
      kind: "openai-compatible",
      model: "llama3.2",
      baseURL: server.openaiBaseURL,
      apiKeyEnv: "VLLM_KEY",
    });
    const reply = await (await createProvider(spec, { VLLM_KEY: KEY })).call(request());
    expect(reply.output).toBe("A short answer.");
    expect(reply.tokens.estimated).toBe(true);
    expect(reply.tokens.input).toBeGreaterThan(5);
    expect(reply.tokens.output).toBeGreaterThan(1);
  });

  it("never sends OPENAI_API_KEY to an openai-compatible endpoint that names no key variable", async () => {
    const keyless = await FakeProviderServer.start();
    try {
      const spec = parseProviderSpec({
        id: "ollama",
        kind: "openai-compatible",
        model: "llama3.2",
        baseURL: keyless.openaiBaseURL,
      });
      const provider = await createProvider(spec, { OPENAI_API_KEY: KEY });
      expect((await provider.call(request())).output).toBe("Can I get my money back?");
      expect(keyless.lastRequest!.headers.authorization).toBe("Bearer promptops-no-key");
    } finally {
      await keyless.close();
    }
  });

  it("uses the key variable a compatible entry names", async () => {
    const spec = parseProviderSpec({
      id: "litellm",
      kind: "openai-compatible",
      model: "gpt-4o-mini",
      baseURL: server.openaiBaseURL,
      apiKeyEnv: "LITELLM_KEY",
    });
    const provider = await createProvider(spec, { LITELLM_KEY: KEY });
    await provider.call(request());
    expect(server.lastRequest!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("embeds texts, similar texts closer than unrelated ones", async () => {
    const provider = await createProvider(parseProviderSpec("openai:text-embedding-3-small"), env());
    const texts = ["refund within 30 days", "refunds within 30 days", "the weather in Oslo"];
    const { vectors, tokens } = await provider.embed!(texts, new AbortController().signal);
    const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(vectors).toHaveLength(3);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!));
    expect(tokens).toMatchObject({ output: 0, estimated: false });
    expect(server.stats.byPath).toEqual({ "/v1/embeddings": 1 });
  });

  it("keeps the key out of the provider object", async () => {
    const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), env());
    expect(JSON.stringify(provider)).not.toContain(KEY);
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain(KEY);
  });
});
