/** Transient provider failures get retried with backoff; everything else fails at once. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A rate limit that says how long to wait (429 with retry-after) is not a failure of the request:
   * it is retried, whatever `retries` says, for as long as its waits (each counted as at least
   * `baseDelayMs`) add up to at most this. Without it, such a 429 is one of the `retries`.
   */
  rateLimitBudgetMs?: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  rateLimitBudgetMs: 120_000,
};

export interface RetryableError {
  transient: boolean;
  /** "rate-limit" for a 429 (ProviderError's kind). */
  kind?: string;
  /** The provider's own wait, from retry-after-ms / retry-after: obeyed to the millisecond, never less. */
  retryAfterMs?: number;
}

/** A 429 that said how long to wait: the provider's pacing, counted in time rather than attempts. */
export function isPacedRateLimit(error: unknown): error is RetryableError & { retryAfterMs: number } {
  return (
    isRetryable(error) &&
    error.kind === "rate-limit" &&
    error.retryAfterMs !== undefined &&
    Number.isFinite(error.retryAfterMs)
  );
}

function isRetryable(error: unknown): error is RetryableError {
  return typeof error === "object" && error !== null && (error as RetryableError).transient === true;
}

/**
 * Exponential backoff with jitter; when the provider said how long to wait, that wait plus a little
 * jitter (never less): requests told the same retry-after would otherwise all come back at the same
 * millisecond and collide again.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: RetryableError,
  random = Math.random,
): number {
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs))
    return Math.max(0, error.retryAfterMs) + retryAfterJitter(error.retryAfterMs, random);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Up to a tenth of the provider's wait, at most 100 ms: enough to spread the requests told the same
 * wait, while a pause of a second (retry-after: 1, the bucket full again) loses little of its rate.
 */
export function retryAfterJitter(retryAfterMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(Math.max(0, retryAfterMs) / 10, 100));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface AttemptOutcome<T> {
  value: T;
  attempts: number;
}

export interface RetryHooks {
  /** Called as a wait after a rate limit (429) starts; what it returns is called when it ends. */
  rateLimitWait?(): () => void;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out; the error carries
 * `attempts`. Paced rate limits (429 with retry-after) do not use up retries but the policy's
 * rateLimitBudgetMs of waiting.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (n: number) => Promise<T>,
  hooks: RetryHooks = {},
): Promise<AttemptOutcome<T>> {
  let failures = 0;
  let rateLimitWaitedMs = 0;
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (error) {
      const paced = policy.rateLimitBudgetMs !== undefined && isPacedRateLimit(error);
      if (!paced) failures++;
      const delay = isRetryable(error) ? retryDelay(policy, failures, error) : 0;
      // Each wait counts at least the base delay: a provider that keeps answering retry-after: 0
      // would otherwise be asked again and again, for free, until the run's end.
      if (paced) rateLimitWaitedMs += Math.max(delay, policy.baseDelayMs);
      // A provider asking for a longer wait than our longest backoff (an hour-long rate limit) is
      // answered with an error now rather than a run that silently hangs.
      const waitTooLong = isRetryable(error) && (error.retryAfterMs ?? 0) > policy.maxDelayMs;
      const outOfRetries = paced
        ? rateLimitWaitedMs > (policy.rateLimitBudgetMs ?? 0)
        : failures > policy.retries;
      if (!isRetryable(error) || outOfRetries || signal.aborted || waitTooLong) {
        if (typeof error === "object" && error !== null) Object.assign(error, { attempts: n });
        throw error;
      }
      const waited = isRetryable(error) && error.kind === "rate-limit" ? hooks.rateLimitWait?.() : undefined;
      try {
        await sleep(delay, signal);
      } finally {
        waited?.();
      }
    }
  }
}
