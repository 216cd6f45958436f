import { describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { ProviderCall } from "../../src/providers/provider.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";

const KEY = "sk-ant-test-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });

const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.anthropicBaseURL });
const haiku = () => createProvider(parseProviderSpec("anthropic:claude-haiku-4-5"), env());

function request(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    messages: [
      { role: "system", content: "You are a support agent for Acme." },
      { role: "system", content: "Refunds: 30-day policy." },
      { role: "user", content: "Can I get my money back?" },
      { role: "assistant", content: "When did you buy it?" },
      { role: "user", content: "Last week." },
    ],
    params: {},
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe("the anthropic provider, through the real @anthropic-ai/sdk", () => {
  it("turns the SDK's deprecated-model warning into a note of the reply, not a line on stderr", async () => {
    const warned: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args);
    try {
      const sonnet = await createProvider(parseProviderSpec("anthropic:claude-sonnet-4-5"), env());
      const reply = await sonnet.call(request());
      expect(reply.notes).toEqual([expect.stringMatching(/^The model 'claude-sonnet-4-5' is deprecated/)]);
      expect((await (await haiku()).call(request())).notes).toBeUndefined();
    } finally {
      console.warn = warn;
    }
    expect(warned).toEqual([]);
    expect(console.warn).toBe(warn);
  });

  it("moves system messages to the top-level system, defaults max_tokens, and reports usage", async () => {
    server.reply = () => ({ text: "Yes: you are within the 30 days.", usage: { input: 61, output: 9 } });
    const reply = await (await haiku()).call(request());
    expect(reply).toEqual({
      output: "Yes: you are within the 30 days.",
      tokens: { input: 61, output: 9, estimated: false },
      finishReason: "end_turn",
    });
    expect(server.lastRequest!.path).toBe("/v1/messages");
    expect(server.lastRequest!.body).toEqual({
      model: "claude-haiku-4-5",
      system: "You are a support agent for Acme.\n\nRefunds: 30-day policy.",
      messages: [
        { role: "user", content: "Can I get my money back?" },
        { role: "assistant", content: "When did you buy it?" },
        { role: "user", content: "Last week." },
      ],
      max_tokens: 1024,
      stream: false,
    });
    // SDK v1 sends the key as a bearer token; earlier ones used x-api-key. The fake takes both.
    const { headers } = server.lastRequest!;
    expect(headers.authorization === `Bearer ${KEY}` || headers["x-api-key"] === KEY).toBe(true);
  });

  it("maps the params it can, drops OpenAI-only ones and says which", async () => {
    const params = {
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 300,
      stop: "END",
      seed: 7,
      frequency_penalty: 0.5,
      top_k: 40,
    };
    const reply = await (await haiku()).call(request({ params }));
    expect(server.lastRequest!.body).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 300,
      stop_sequences: ["END"],
    });
    expect(server.lastRequest!.body).not.toHaveProperty("seed");
    expect(server.lastRequest!.body).not.toHaveProperty("stop");
    expect(reply.notes).toEqual(["not sent, Anthropic has no such parameter: seed, frequency_penalty"]);
  });

  it("sends a large max_tokens without streaming (the SDK refuses that unless given a timeout)", async () => {
    await (await haiku()).call(request({ params: { max_tokens: 200_000 } }));
    expect(server.lastRequest!.body.max_tokens).toBe(200_000);
  });

  it("maps tools to input_schema and returns tool calls, as JSON output when there is no text", async () => {
    server.reply = () => ({ text: null, toolCalls: [{ name: "lookup_order", arguments: '{"id":"A-17"}' }] });
    const parameters = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };
    const tools = [
      {
        type: "function" as const,
        function: { name: "lookup_order", description: "Find an order", parameters },
      },
      { type: "function" as const, function: { name: "escalate" } },
    ];
    const reply = await (await haiku()).call(request({ tools }));
    expect(server.lastRequest!.body.tools).toEqual([
      { name: "lookup_order", description: "Find an order", input_schema: parameters },
      { name: "escalate", input_schema: { type: "object", properties: {} } },
    ]);
    expect(reply.toolCalls).toEqual([{ name: "lookup_order", arguments: '{"id":"A-17"}' }]);
    expect(JSON.parse(reply.output)).toEqual(reply.toolCalls);
    expect(reply.finishReason).toBe("tool_use");
  });

  it("maps a prompt's OpenAI tool_choice and parallel_tool_calls to Anthropic's, which refuses OpenAI's forms", async () => {
    const tools = [{ type: "function" as const, function: { name: "lookup_order" } }];
    const sent = async (params: Record<string, unknown>) => {
      const reply = await (await haiku()).call(request({ tools, params }));
      return {
        choice: server.lastRequest!.body.tool_choice,
        body: server.lastRequest!.body,
        notes: reply.notes,
      };
    };
    expect((await sent({ tool_choice: "required" })).choice).toEqual({ type: "any" });
    expect((await sent({ tool_choice: "auto" })).choice).toEqual({ type: "auto" });
    expect((await sent({ tool_choice: "none" })).choice).toEqual({ type: "none" });
    expect(
      (await sent({ tool_choice: { type: "function", function: { name: "lookup_order" } } })).choice,
    ).toEqual({
      type: "tool",
      name: "lookup_order",
    });
    // Anthropic's own form, from a prompt written for it, goes as written.
    expect((await sent({ tool_choice: { type: "tool", name: "lookup_order" } })).choice).toEqual({
      type: "tool",
      name: "lookup_order",
    });
    const serial = await sent({ parallel_tool_calls: false });
    expect(serial.choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(serial.body).not.toHaveProperty("parallel_tool_calls");
    expect(serial.notes).toBeUndefined();
    expect((await sent({ tool_choice: "required", parallel_tool_calls: false })).choice).toEqual({
      type: "any",
      disable_parallel_tool_use: true,
    });
    const unknown = await sent({ tool_choice: "sometimes" });
    expect(unknown.body).not.toHaveProperty("tool_choice");
    expect(unknown.notes).toEqual(['tool_choice "sometimes" has no Anthropic equivalent: not sent']);
  });

  it("takes a tool_use input nested too deep to write out as a malformed reply, not a crash", async () => {
    const input = `{"q":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const body = `{"id":"msg_deep","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"tool_use","id":"toolu_1","name":"lookup_order","input":${input}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":5}}`;
    server.enqueue({ status: 200, body });
    const failed = await (await haiku()).call(request()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toMatchObject({
      kind: "malformed",
      message: "anthropic:claude-haiku-4-5: malformed response: a tool_use input nested too deep to read",
    });
  });

  it("sends no tool_choice for a prompt without tools, and says so", async () => {
    const reply = await (await haiku()).call(request({ params: { tool_choice: "required" } }));
    expect(server.lastRequest!.body).not.toHaveProperty("tool_choice");
    expect(reply.notes).toEqual([
      "tool_choice and parallel_tool_calls not sent: the prompt declares no tools",
    ]);
  });

  it("sends a json_schema response_format as structured output, and notes what it could not carry", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const reply = await (await haiku()).call(
      request({
        responseFormat: { type: "json_schema", json_schema: { name: "reply", schema, strict: true } },
      }),
    );
    expect(server.lastRequest!.body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(reply.notes).toEqual([expect.stringContaining("output_config.format")]);
  });

  it("leaves a json_object response_format out, and says JSON was not enforced", async () => {
    const reply = await (await haiku()).call(request({ responseFormat: { type: "json_object" } }));
    expect(server.lastRequest!.body).not.toHaveProperty("output_config");
    expect(server.lastRequest!.body.system).toBe(
      "You are a support agent for Acme.\n\nRefunds: 30-day policy.",
    );
    expect(reply.notes).toEqual([expect.stringContaining("not enforced")]);
  });

  it("sends image parts as Anthropic image blocks", async () => {
    const messages: ProviderCall["messages"] = [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
      },
    ];
    await (await haiku()).call(request({ messages }));
    expect(server.lastRequest!.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        ],
      },
    ]);
  });

  it("without @anthropic-ai/sdk installed, says which package to install (exit 2), before any request", async () => {
    const notInstalled = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package '@anthropic-ai/sdk'"), { code: "ERR_MODULE_NOT_FOUND" }),
      );
    const error = await expectPromptOpsRejection(
      createProvider(parseProviderSpec("anthropic:claude-haiku-4-5"), env(), {
        importers: { anthropic: notInstalled },
      }),
    );
    expect(error).toMatchObject({
      message: "the anthropic provider needs the optional package @anthropic-ai/sdk",
      hint: "npm install @anthropic-ai/sdk",
      exitCode: 2,
    });
    expect(server.stats.total).toBe(0);
  });
});
