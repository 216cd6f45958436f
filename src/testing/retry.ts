/** Transient provider failures get retried with backoff; everything else fails at once. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface RetryableError {
  transient: boolean;
  /** The provider's own wait, from retry-after-ms / retry-after: obeyed to the millisecond. */
  retryAfterMs?: number;
}

function isRetryable(error: unknown): error is RetryableError {
  return typeof error === "object" && error !== null && (error as RetryableError).transient === true;
}

/** Full-jitter exponential backoff, unless the provider said how long to wait. */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: RetryableError,
  random = Math.random,
): number {
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs))
    return Math.max(0, error.retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
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

/** Runs `attempt` until it succeeds, fails for good, or the retries run out; the error carries `attempts`. */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (n: number) => Promise<T>,
): Promise<AttemptOutcome<T>> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (error) {
      // A provider asking for a longer wait than our longest backoff (an hour-long rate limit) is
      // answered with an error now rather than a run that silently hangs.
      const waitTooLong = isRetryable(error) && (error.retryAfterMs ?? 0) > policy.maxDelayMs;
      if (!isRetryable(error) || n > policy.retries || signal.aborted || waitTooLong) {
        if (typeof error === "object" && error !== null) Object.assign(error, { attempts: n });
        throw error;
      }
      await sleep(retryDelay(policy, n, error), signal);
    }
  }
}
