import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { Provider } from "../../src/providers/provider.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { createProviderCaller } from "../../src/regression/provider-caller.js";
import { ResponseCache } from "../../src/regression/response-cache.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { openaiEnv } from "../fixtures/runner/runner-project.js";
import { forceGc } from "../helpers/force-gc.js";

const KEY = "sk-caller-test-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY, latencyMs: 50 });
let provider: Provider;
let cacheDir: string;

beforeAll(async () => {
  provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), openaiEnv(server, KEY));
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), "promptops-caller-"));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

const caller = (cache: boolean) =>
  createProviderCaller({
    concurrency: 8,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 10_000,
    signal: new AbortController().signal,
    cache: cache ? new ResponseCache(cacheDir) : undefined,
  });
const request = (text: string) => ({ messages: [{ role: "user" as const, content: text }], params: {} });

describe("identical requests in flight at the same moment", () => {
  it("go out once: the others take that reply, as the cache hit they would have been a moment later", async () => {
    const one = caller(true);
    const shared = await Promise.all([1, 2, 3].map(() => one.call(provider, request("again"), 1)));
    expect(server.stats.total).toBe(1);
    expect(shared.map((r) => r.output)).toEqual(["again", "again", "again"]);
    expect(shared.map((r) => r.cached).sort()).toEqual([false, true, true]);
  });

  it("are separate samples when their sample numbers differ (--repeat)", async () => {
    const one = caller(true);
    await Promise.all([1, 2, 3].map((sample) => one.call(provider, request("repeat me"), sample)));
    expect(server.stats.total).toBe(3);
  });

  it("each go out with --no-cache", async () => {
    const one = caller(false);
    const replies = await Promise.all([1, 2].map(() => one.call(provider, request("fresh"), 1)));
    expect(server.stats.total).toBe(2);
    expect(replies.map((r) => r.cached)).toEqual([false, false]);
  });

  it("do not share a failure: a waiter whose request failed tries for itself", async () => {
    server.enqueue({ status: 400 });
    const one = caller(true);
    const outcomes = await Promise.allSettled([1, 2].map(() => one.call(provider, request("flaky"), 1)));
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "fulfilled"]);
    expect(server.stats.total).toBe(2);
  });

  it("texts to embed go out once too", async () => {
    const one = caller(true);
    const replies = await Promise.all([1, 2].map(() => one.embed(provider, ["a refund within 30 days"])));
    expect(server.stats.total).toBe(1);
    expect(replies[0]!.vectors).toEqual(replies[1]!.vectors);
  });
});

describe("the per-attempt timeout", () => {
  it.each([
    ["our http layer", undefined],
    // Behind a proxy, requests go through Node's own fetch (http-fetch.ts): the timeout is the runner's.
    ["Node's own fetch (NODE_USE_ENV_PROXY=1)", "1"],
  ])(
    "ends a request the provider never answers, even after a garbage collection while it waits, through %s",
    async (_, useEnvProxy) => {
      const before = process.env.NODE_USE_ENV_PROXY;
      if (useEnvProxy) process.env.NODE_USE_ENV_PROXY = useEnvProxy;
      onTestFinished(() => {
        if (before === undefined) delete process.env.NODE_USE_ENV_PROXY;
        else process.env.NODE_USE_ENV_PROXY = before;
      });
      server.enqueue({ hang: true });
      const one = createProviderCaller({
        concurrency: 8,
        retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5 },
        timeoutMs: 300,
        signal: new AbortController().signal,
        cache: undefined,
      });
      const started = performance.now();
      const pending = one.call(provider, request("never answered"), 1);
      await server.whenRequests(1);
      forceGc();
      await expect(pending).rejects.toThrow("openai:gpt-4o-mini: timed out");
      // A timer lost to garbage collection would leave the request hung until the test times out.
      expect(performance.now() - started).toBeLessThan(300 + 5_000);
      const hung = server.lastRequest!;
      await hung.closed;
      expect(hung.cut).toBe(true);
    },
    5_000,
  );
});

describe("a fresh call (a --repeat sample)", () => {
  it("is sent again by the next run, but answered by a reply this run already got (a baseline twin)", async () => {
    const fresh = { fresh: true };
    const earlier = caller(true);
    await earlier.call(provider, request("sample me"), 1, fresh);
    expect(server.stats.total).toBe(1);

    const later = caller(true);
    const sent = await later.call(provider, request("sample me"), 1, fresh);
    expect(sent.cached).toBe(false);
    expect(server.stats.total).toBe(2);
    const twin = await later.call(provider, request("sample me"), 1, fresh);
    expect(twin.cached).toBe(true);
    expect(server.stats.total).toBe(2);

    // A call that is not fresh (a run without --repeat) takes what the cache recorded.
    expect((await caller(true).call(provider, request("sample me"), 1)).cached).toBe(true);
    expect(server.stats.total).toBe(2);
  });
});
