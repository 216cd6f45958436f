import { describe, expect, it } from "vitest";
import { ProviderPace, RateLimitLog } from "../../src/regression/provider-pace.js";

const sentNow = () => performance.now();

describe("a provider's pace", () => {
  it("halves the requests in flight on a 429, once per burst of them, never below 1", () => {
    const pace = new ProviderPace(8, new RateLimitLog());
    const sentBefore = sentNow();
    pace.rateLimited(sentNow(), undefined);
    expect(pace.slot.concurrency).toBe(4);
    // Requests sent before the halving answer 429 too: that is the same burst, not a new one.
    pace.rateLimited(sentBefore, undefined);
    expect(pace.slot.concurrency).toBe(4);
    for (let i = 0; i < 5; i++) pace.rateLimited(sentNow() + 1, undefined);
    expect(pace.slot.concurrency).toBe(1);
  });

  it("raises them back by about one per window of successes, up to the provider's limit", () => {
    const pace = new ProviderPace(8, new RateLimitLog());
    pace.rateLimited(sentNow(), undefined);
    pace.rateLimited(sentNow() + 1, undefined);
    expect(pace.slot.concurrency).toBe(2);
    // At 2 in flight, +1/2 a success: the window is 2.9 after two, 3.2 after three.
    pace.succeeded();
    pace.succeeded();
    expect(pace.slot.concurrency).toBe(2);
    pace.succeeded();
    expect(pace.slot.concurrency).toBe(3);
    for (let i = 0; i < 100; i++) pace.succeeded();
    expect(pace.slot.concurrency).toBe(8);
  });

  it("holds every request to the provider until the retry-after it named, and counts the wait once", async () => {
    const log = new RateLimitLog();
    const pace = new ProviderPace(8, log);
    pace.rateLimited(sentNow(), 150);
    const started = performance.now();
    const signal = new AbortController().signal;
    await Promise.all([pace.ready(signal), pace.ready(signal), pace.ready(signal)]);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(145);
    const stats = log.stats()!;
    expect(stats.responses).toBe(1);
    // Three requests waited side by side: the run lost that time once, not three times.
    expect(stats.waitedMs).toBeGreaterThanOrEqual(140);
    expect(stats.waitedMs).toBeLessThanOrEqual(Math.ceil(waited) + 5);
  });

  it("says nothing when no provider answered 429", () => {
    expect(new RateLimitLog().stats()).toBeUndefined();
  });
});
