import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseShard, shardCases } from "../../src/regression/plan-cases.js";
import { cacheKey, ResponseCache } from "../../src/regression/response-cache.js";
import { retryDelay, withRetries } from "../../src/regression/retry.js";

const policy = { retries: 3, baseDelayMs: 1, maxDelayMs: 8 };

describe("retries", () => {
  it("retries transient failures until one succeeds, and counts the attempts", async () => {
    let calls = 0;
    const outcome = await withRetries(policy, new AbortController().signal, async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error("429"), { transient: true });
      return "ok";
    });
    expect(outcome).toEqual({ value: "ok", attempts: 3 });
  });

  it("gives up after the configured retries and says how many attempts were made", async () => {
    const error = await withRetries(policy, new AbortController().signal, async () => {
      throw Object.assign(new Error("500"), { transient: true });
    }).catch((e: unknown) => e);
    expect((error as { attempts: number }).attempts).toBe(4);
  });

  it("never retries a permanent failure", async () => {
    let calls = 0;
    await withRetries(policy, new AbortController().signal, async () => {
      calls++;
      throw Object.assign(new Error("401"), { transient: false });
    }).catch(() => undefined);
    expect(calls).toBe(1);
  });

  it("waits what the provider asked plus a little jitter (never less), else backs off exponentially with jitter", () => {
    const big = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(retryDelay(big, 1, { transient: true, retryAfterMs: 1234 }, () => 0)).toBe(1234);
    // At most a tenth of the wait, at most 100 ms: retries told the same wait spread out.
    expect(retryDelay(big, 1, { transient: true, retryAfterMs: 500 }, () => 1)).toBe(550);
    expect(retryDelay(big, 1, { transient: true, retryAfterMs: 10_000 }, () => 1)).toBe(10_100);
    expect(retryDelay(big, 1, { transient: true }, () => 0)).toBe(250);
    expect(retryDelay(big, 1, { transient: true }, () => 1)).toBe(500);
    expect(retryDelay(big, 3, { transient: true }, () => 1)).toBe(2000);
    expect(retryDelay(big, 10, { transient: true }, () => 1)).toBe(30_000);
  });

  it("stops waiting as soon as the run is cancelled", async () => {
    const controller = new AbortController();
    const slow = { retries: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    let attempted: () => void = () => undefined;
    const firstAttempt = new Promise<void>((resolve) => {
      attempted = resolve;
    });
    const pending = withRetries(slow, controller.signal, async () => {
      attempted();
      throw Object.assign(new Error("503"), { transient: true });
    });
    await firstAttempt;
    await new Promise((resolve) => setImmediate(resolve)); // now it is waiting a minute to retry
    controller.abort(new Error("Ctrl-C"));
    await expect(pending).rejects.toThrow("Ctrl-C");
  });
});

describe("response cache", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keys by the exact request, so any change of model, params, messages or sample misses", () => {
    const base = {
      provider: "openai:gpt-4o-mini",
      model: "gpt-4o-mini",
      params: { temperature: 0 },
      messages: [{ role: "user", content: "hi" }],
      sample: 1,
    };
    const key = cacheKey(base);
    expect(cacheKey({ ...base, params: { temperature: 0 } })).toBe(key);
    expect(cacheKey({ ...base, params: { temperature: 0.1 } })).not.toBe(key);
    expect(cacheKey({ ...base, messages: [{ role: "user", content: "hi!" }] })).not.toBe(key);
    expect(cacheKey({ ...base, model: "gpt-4o" })).not.toBe(key);
    expect(cacheKey({ ...base, sample: 2 })).not.toBe(key);
  });

  it("stores and returns replies, and treats a torn file as a miss", async () => {
    dir = mkdtempSync(join(tmpdir(), "promptops-cache-"));
    const cache = new ResponseCache(dir);
    const root = dir;
    const key = cacheKey({ provider: "echo", model: "echo", params: {}, messages: [], sample: 1 });
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, { output: "hello", tokens: { input: 1, output: 2, estimated: true }, latencyMs: 5 });
    expect(await cache.get(key)).toEqual({
      output: "hello",
      tokens: { input: 1, output: 2, estimated: true },
      latencyMs: 5,
    });
    const files = readdirSync(join(root, key.slice(0, 2)));
    expect(files).toEqual([`${key}.json`]);
  });
});

describe("sharding", () => {
  it("puts every case in exactly one shard, with sizes within one of each other", () => {
    const cases = Array.from({ length: 10 }, (_, i) => i);
    const shards = [1, 2, 3].map((index) => shardCases(cases, { index, count: 3 }));
    expect(shards.map((s) => s.length)).toEqual([4, 3, 3]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(cases);
  });

  it("rejects a malformed --shard", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "1/0"])
      expect(() => parseShard(bad)).toThrow("--shard expects i/n");
  });
});

describe("a rate limit that says how long to wait (429 + retry-after)", () => {
  const rateLimit = (retryAfterMs: number) =>
    Object.assign(new Error(`429 (retry after ${retryAfterMs} ms)`), {
      transient: true,
      kind: "rate-limit",
      retryAfterMs,
    });

  it("does not use up the retries: it is retried for a time budget instead", async () => {
    let calls = 0;
    const outcome = await withRetries(
      { retries: 1, baseDelayMs: 1, maxDelayMs: 100, rateLimitBudgetMs: 1_000 },
      new AbortController().signal,
      async () => {
        if (++calls <= 5) throw rateLimit(5);
        return "ok";
      },
    );
    expect(outcome).toEqual({ value: "ok", attempts: 6 });
  });

  it("gives up once its waits exceed the budget, each counted as at least the base delay", async () => {
    let calls = 0;
    // A provider that keeps saying "retry after 0 ms": 10 ms a wait against a 50 ms budget.
    const error = await withRetries(
      { retries: 3, baseDelayMs: 10, maxDelayMs: 100, rateLimitBudgetMs: 50 },
      new AbortController().signal,
      async () => {
        calls++;
        throw rateLimit(0);
      },
    ).catch((e: unknown) => e);
    expect(calls).toBe(6);
    expect((error as { attempts: number }).attempts).toBe(6);
  });

  it("without a budget in the policy, is one of the retries", async () => {
    let calls = 0;
    await withRetries(
      { retries: 2, baseDelayMs: 1, maxDelayMs: 100 },
      new AbortController().signal,
      async () => {
        calls++;
        throw rateLimit(1);
      },
    ).catch(() => undefined);
    expect(calls).toBe(3);
  });
});

describe("a provider asking for a very long wait", () => {
  it("is answered with an error at once instead of a run that hangs for an hour", async () => {
    let calls = 0;
    const started = performance.now();
    const error = await withRetries(
      { retries: 3, baseDelayMs: 1, maxDelayMs: 1000 },
      new AbortController().signal,
      async () => {
        calls++;
        throw Object.assign(new Error("429 (retry after 3600000 ms)"), {
          transient: true,
          retryAfterMs: 3_600_000,
        });
      },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((error as Error).message).toContain("3600000");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
