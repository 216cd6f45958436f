import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { Provider } from "../../src/providers/provider.js";
import { ProviderError, parseRetryAfter } from "../../src/providers/provider-errors.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { redactSecrets } from "../../src/redact-secrets.js";
import { FakeProviderServer } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";

const KEY = "sk-test-faults-0123456789abcdef";
const WRONG_KEY = "sk-wrong-key-9876543210fedcba";
const server = fakeProviderServerPerFile({ apiKey: KEY });

const sdks = [
  {
    name: "openai",
    ref: "openai:gpt-4o-mini",
    env: (s: FakeProviderServer, key = KEY) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: s.openaiBaseURL }),
  },
  {
    name: "anthropic",
    ref: "anthropic:claude-haiku-4-5",
    env: (s: FakeProviderServer, key = KEY) => ({
      ANTHROPIC_API_KEY: key,
      ANTHROPIC_BASE_URL: s.anthropicBaseURL,
    }),
  },
];

async function failure(provider: Provider, signal = new AbortController().signal): Promise<ProviderError> {
  const error = await provider
    .call({ messages: [{ role: "user", content: "hello" }], params: {}, signal })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe.each(sdks)("when the $name API fails, the provider says how", ({ ref, env }) => {
  const provider = () => createProvider(parseProviderSpec(ref), env(server));

  it("429 with retry-after: transient rate limit, wait 1000 ms, with the provider's text", async () => {
    server.enqueue({ status: 429, retryAfter: "1" });
    const error = await failure(await provider());
    expect(error).toMatchObject({ kind: "rate-limit", transient: true, status: 429, retryAfterMs: 1000 });
    expect(error.providerMessage).toMatch(/rate limit/i);
    expect(error.message).toContain("HTTP 429");
    expect(error.message).toContain(error.providerMessage);
  });

  it("429 with retry-after-ms: that wait, to the millisecond, even beside retry-after", async () => {
    server.enqueue({ status: 429, retryAfterMs: "250", retryAfter: "1" });
    expect(await failure(await provider())).toMatchObject({ kind: "rate-limit", retryAfterMs: 250 });
  });

  it("retry-after as an HTTP date: the time left until then", async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    server.enqueue({ status: 429, retryAfter: at });
    const { retryAfterMs } = await failure(await provider());
    // HTTP dates have whole seconds: the wait is what is left of 2 to 3 seconds.
    expect(retryAfterMs).toBeGreaterThan(1000);
    expect(retryAfterMs).toBeLessThanOrEqual(3000);
  });

  it("429 out of quota is not worth retrying", async () => {
    server.enqueue({
      status: 429,
      code: "insufficient_quota",
      type: "insufficient_quota",
      message: "You exceeded your current quota.",
    });
    expect(await failure(await provider())).toMatchObject({ kind: "rate-limit", transient: false });
  });

  it.each([500, 502, 503, 529])("HTTP %i: a transient server fault", async (status) => {
    server.enqueue({ status });
    expect(await failure(await provider())).toMatchObject({ kind: "server", transient: true, status });
  });

  it("a proxy's HTML error page becomes one short line", async () => {
    const body =
      "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    server.enqueue({ status: 502, body });
    const error = await failure(await provider());
    expect(error).toMatchObject({
      kind: "server",
      transient: true,
      providerMessage: "502 Bad Gateway 502 Bad Gateway nginx",
    });
  });

  it("x-should-retry from the provider wins over the status code", async () => {
    server.enqueue(
      { status: 500, headers: { "x-should-retry": "false" } },
      { status: 409, headers: { "x-should-retry": "true" } },
    );
    expect(await failure(await provider())).toMatchObject({ kind: "server", transient: false });
    expect(await failure(await provider())).toMatchObject({ status: 409, transient: true });
  });

  it("400: a bad request, not retried, with the provider's text", async () => {
    server.enqueue({ status: 400, message: "max_tokens: must be at most 8192" });
    const error = await failure(await provider());
    expect(error).toMatchObject({
      kind: "bad-request",
      transient: false,
      providerMessage: "max_tokens: must be at most 8192",
    });
  });

  it("401: auth, not retried, the provider's text and no key anywhere", async () => {
    const leaky = await FakeProviderServer.start({ apiKey: KEY, echoKeyInErrors: true });
    try {
      const wrong = await createProvider(parseProviderSpec(ref), env(leaky, WRONG_KEY));
      const error = await failure(wrong);
      expect(error).toMatchObject({ kind: "auth", transient: false, status: 401 });
      expect(error.providerMessage).toBeTruthy();
      for (const text of [
        error.message,
        JSON.stringify(error),
        inspect(error, { showHidden: true, depth: 10 }),
      ])
        expect(text).not.toContain(WRONG_KEY);
    } finally {
      await leaky.close();
    }
  });

  it("a 200 whose body is not JSON: transient, malformed", async () => {
    server.enqueue({ malformed: true });
    expect(await failure(await provider())).toMatchObject({ kind: "malformed", transient: true });
  });

  it("a body cut off before its Content-Length: transient, malformed", async () => {
    server.enqueue({ truncated: true });
    const error = await failure(await provider());
    expect(error).toMatchObject({ kind: "malformed", transient: true });
    expect(error.message).toContain("cut off");
  });

  it("a connection reset before any answer: transient, network", async () => {
    server.enqueue({ reset: true });
    expect(await failure(await provider())).toMatchObject({ kind: "network", transient: true });
  });

  it("a refused connection: transient, network", async () => {
    const gone = await FakeProviderServer.start();
    const refusing = await createProvider(parseProviderSpec(ref), env(gone));
    await gone.close();
    expect(await failure(refusing)).toMatchObject({ kind: "network", transient: true });
  });

  it("a hung request stops promptly on abort, and the server sees the connection closed", async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = failure(await provider(), controller.signal);
    await server.whenActive(1);
    const abortedAt = performance.now();
    controller.abort();
    const error = await pending;
    // The server never answers: without the abort this waits for the SDK's own timeout (minutes).
    expect(performance.now() - abortedAt).toBeLessThan(5_000);
    expect(error).toMatchObject({ kind: "aborted", transient: false });
    await server.lastRequest!.closed;
    expect(server.lastRequest!.cut).toBe(true);
    expect(server.stats.active).toBe(0);
  });

  it("a hung request under the runner's timeout: transient, timeout", async () => {
    server.enqueue({ hang: true });
    const error = await failure(await provider(), AbortSignal.timeout(100));
    expect(error).toMatchObject({ kind: "timeout", transient: true });
    await server.whenIdle();
  });

  it("after a fault, the same provider answers the next request", async () => {
    server.enqueue({ status: 500 });
    const p = await provider();
    await failure(p);
    const reply = await p.call({
      messages: [{ role: "user", content: "again" }],
      params: {},
      signal: new AbortController().signal,
    });
    expect(reply.output).toBe("again");
    expect(server.stats.total).toBe(2);
  });
});

describe("reading a provider's wait and hiding secrets", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("parses retry-after-ms, retry-after seconds (fractions too) and HTTP dates, rounding up", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250.2", "retry-after": "9" }))).toBe(251);
    expect(parseRetryAfter(headers({ "retry-after": "1.5" }))).toBe(1500);
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 25 Nov 2026 10:00:02 GMT" }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 25 Nov 2026 09:59:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it("removes the key in use, bearer tokens and key-shaped strings", () => {
    expect(redactSecrets("key my-secret-value failed", ["my-secret-value"])).toBe("key [redacted] failed");
    expect(redactSecrets("Authorization: Bearer abc.def.ghi")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("Incorrect API key provided: sk-proj-AbCdEf123456ghIJkl")).toBe(
      "Incorrect API key provided: sk-…[redacted]",
    );
  });
});
