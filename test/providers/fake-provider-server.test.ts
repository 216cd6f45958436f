import { afterEach, describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { Provider } from "../../src/providers/provider.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { FakeProviderServer } from "../fake-provider/fake-provider-server.js";

// The runner's tests lean on these counters and scripts; here is proof they tell the truth.

let server: FakeProviderServer | undefined;
afterEach(() => server?.close());

async function start(options: Parameters<typeof FakeProviderServer.start>[0] = {}) {
  server = await FakeProviderServer.start(options);
  const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), {
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: server.openaiBaseURL,
  });
  return { server, provider };
}

const ask = (provider: Provider, text: string, signal = new AbortController().signal) =>
  provider.call({ messages: [{ role: "user", content: text }], params: {}, signal });

describe("the fake provider server", () => {
  it("counts requests in flight and their peak, with replies held open by the test", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, provider } = await start({
      reply: async (r) => {
        await gate;
        return `done: ${r.body.messages[0].content}`;
      },
    });
    const calls = ["a", "b", "c"].map((t) => ask(provider, t));
    await server.whenActive(3);
    expect(server.stats).toMatchObject({ total: 3, active: 3, peakActive: 3 });
    release();
    expect((await Promise.all(calls)).map((r) => r.output)).toEqual(["done: a", "done: b", "done: c"]);
    await server.whenIdle();
    expect(server.stats).toMatchObject({ active: 0, peakActive: 3, byPath: { "/v1/chat/completions": 3 } });
  });

  it("serves queued faults in order, and matching rules before the queue", async () => {
    const { server, provider } = await start();
    server.enqueue({ status: 500 }, { status: 429, retryAfterMs: "5" });
    server.faultWhen((r) => JSON.stringify(r.body).includes("vip"), { status: 503 }, 1);
    const outcome = (text: string) =>
      ask(provider, text).then(
        (r) => r.output,
        (e: { status?: number }) => e.status,
      );
    expect(await outcome("vip")).toBe(503);
    expect(await outcome("one")).toBe(500);
    expect(await outcome("vip")).toBe(429);
    expect(await outcome("two")).toBe("two");
  });

  it("adds its latency to every answer", async () => {
    const { server, provider } = await start({ latencyMs: 120 });
    const started = performance.now();
    await ask(provider, "slow");
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(server.stats.total).toBe(1);
  });

  it("resetForNextTest() also puts back the reply and latency it was started with", async () => {
    const { server, provider } = await start({ latencyMs: 5 });
    server.reply = () => "scripted for one test";
    server.latencyMs = 0;
    server.resetForNextTest();
    expect(server.latencyMs).toBe(5);
    expect((await ask(provider, "echo me")).output).toBe("echo me");
  });

  it("refuses a wrong key with 401 in the provider's own shape", async () => {
    server = await FakeProviderServer.start({ apiKey: "sk-right" });
    const response = await fetch(`${server.openaiBaseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-wrong-123456", "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: "invalid_api_key", type: "invalid_request_error" },
    });
    const anthropic = await fetch(`${server.anthropicBaseURL}/v1/messages`, { method: "POST", body: "{}" });
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("close() ends hung requests too", async () => {
    const { server, provider } = await start();
    server.enqueue({ hang: true });
    const pending = ask(provider, "anyone?").catch((e: { kind?: string }) => e.kind);
    await server.whenActive(1);
    await server.close();
    expect(await pending).toBe("network");
    expect(server.lastRequest!.cut).toBe(true);
  });
});
