import pLimit, { type LimitFunction } from "p-limit";
import { retryAfterJitter, sleep } from "./retry.js";

/** How a run was held back by rate limits, for its summary. */
export interface RateLimitStats {
  /** 429 responses received, retried or not. */
  responses: number;
  /** Wall time during which at least one request waited on a rate limit. */
  waitedMs: number;
}

/**
 * The run's rate-limit tally: 429s counted, and the wall time during which any request was held
 * back by one (overlapping waits count once: it is the time the run lost, not a sum per request).
 */
export class RateLimitLog {
  private responses = 0;
  private waitedMs = 0;
  private waiting = 0;
  private since = 0;

  received(): void {
    this.responses++;
  }

  /** A wait starts; the function returned ends it. */
  hold(): () => void {
    if (this.waiting++ === 0) this.since = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.waiting === 0) this.waitedMs += performance.now() - this.since;
    };
  }

  stats(): RateLimitStats | undefined {
    if (this.responses === 0) return undefined;
    return { responses: this.responses, waitedMs: Math.round(this.waitedMs) };
  }
}

/**
 * One provider's pace, learnt from its 429s: how many requests may be in flight (AIMD: halved on a
 * rate limit, raised by about one per window of successes, like TCP's congestion window), and a
 * pause until the time its retry-after named, which every request to it waits out, not only the
 * one that was told. Without these, the requests still in flight and the cases queued behind them
 * run into the same empty bucket, and retries all told the same wait collide again.
 */
export class ProviderPace {
  /** Requests of this provider in flight, adjusted as 429s come and go. */
  readonly slot: LimitFunction;
  private window: number;
  private lastDecrease = 0;
  private pausedUntil = 0;
  /** The retry-after that set the pause: the jitter spreads over a part of it. */
  private pauseAskedMs = 0;

  /**
   * `max`: the provider's own limit. `maxPauseMs`: the longest retry-after worth waiting for; a
   * longer one fails its case at once (retry.ts), so it must not hold the provider's other cases.
   */
  constructor(
    private readonly max: number,
    private readonly log: RateLimitLog,
    private readonly maxPauseMs = Number.POSITIVE_INFINITY,
  ) {
    this.window = max;
    this.slot = pLimit(max);
  }

  /** Waits out a pause the provider asked for, plus jitter so the waiters do not all go at once. */
  async ready(signal: AbortSignal): Promise<void> {
    let release: (() => void) | undefined;
    try {
      for (let now = performance.now(); now < this.pausedUntil; now = performance.now()) {
        release ??= this.log.hold();
        await sleep(this.pausedUntil - now + retryAfterJitter(this.pauseAskedMs), signal);
      }
    } finally {
      release?.();
    }
  }

  succeeded(): void {
    this.setWindow(this.window + 1 / this.window);
  }

  /** A 429 to a request sent at `sentAt` (performance.now()); `retryAfterMs` when it said. */
  rateLimited(sentAt: number, retryAfterMs: number | undefined): void {
    this.log.received();
    const now = performance.now();
    // One halving per burst of 429s: those to requests sent before the last halving say nothing new.
    if (sentAt >= this.lastDecrease) {
      this.lastDecrease = now;
      this.setWindow(this.window / 2);
    }
    if (retryAfterMs === undefined || !(retryAfterMs <= this.maxPauseMs)) return;
    if (now + retryAfterMs > this.pausedUntil) {
      this.pausedUntil = now + retryAfterMs;
      this.pauseAskedMs = retryAfterMs;
    }
  }

  private setWindow(window: number): void {
    this.window = Math.min(this.max, Math.max(1, window));
    const limit = Math.floor(this.window);
    if (this.slot.concurrency !== limit) this.slot.concurrency = limit;
  }
}
