import pLimit, { type LimitFunction } from "p-limit";
import type { Provider, ProviderCall } from "../providers/provider.js";
import { type CachedReply, cacheKey, type ResponseCache } from "./response-cache.js";
import { type RetryPolicy, withRetries } from "./retry.js";

export interface CallerOptions {
  concurrency: number;
  /** Optional tighter limits per provider id. */
  providerConcurrency?: ReadonlyMap<string, number>;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Cancels the run: in-flight requests are aborted and nothing new is sent. */
  signal: AbortSignal;
  cache: ResponseCache | undefined;
  /** Checked before each request is sent (not before cache hits); throw to refuse it. */
  beforeSend?(): void;
}

export interface CallReply extends CachedReply {
  cached: boolean;
}

export type CallRequest = Omit<ProviderCall, "signal">;

/**
 * Every provider call of a run, tested prompts and judges alike, goes through one of these: one
 * concurrency limit (plus per-provider ones), retries that obey retry-after, a per-request
 * timeout that really cancels, and the response cache. A request holds its slot only while in
 * flight, not while it waits to retry.
 */
export interface ProviderCaller {
  call(provider: Provider, request: CallRequest, sample: number, options?: CallOptions): Promise<CallReply>;
  /** Embeddings (for `similar`): the same limits, retries, timeout and cache as `call`. */
  embed(provider: Provider, input: string[]): Promise<EmbedReply>;
}

export interface CallOptions {
  /** A reply this refuses is returned but not cached: a judge's unreadable verdict is asked again next run. */
  keep?(output: string): boolean;
}

export interface EmbedReply {
  vectors: number[][];
  tokens: { input: number; output: number; estimated: boolean };
  latencyMs: number;
  cached: boolean;
}

export function createProviderCaller(options: CallerOptions): ProviderCaller {
  const global = pLimit(options.concurrency);
  const perProvider = new Map<string, LimitFunction>();
  for (const [id, limit] of options.providerConcurrency ?? []) perProvider.set(id, pLimit(limit));
  const slot = <T>(providerId: string, fn: () => Promise<T>): Promise<T> => {
    const own = perProvider.get(providerId);
    // The provider's own limit first: a case waiting for its provider must not sit in a run-wide
    // slot, or a provider held to 1 in flight would starve every other provider of the run.
    return own ? own(() => global(fn)) : global(fn);
  };
  const run = options.signal;
  // With the cache on, a request identical to one in flight waits for that one's reply instead of
  // paying for its own: the reply it would find in the cache a moment later (repeated texts to
  // embed, two tests rendering the same request). A failed request is never shared, as it is never
  // cached: each waiter then tries for itself. --no-cache sends every request.
  const inFlight = new Map<string, Promise<{ cached: boolean }>>();
  const shared = async <T extends { cached: boolean }>(key: string, send: () => Promise<T>): Promise<T> => {
    if (!options.cache) return send();
    for (let pending = inFlight.get(key); pending; pending = inFlight.get(key)) {
      const reply = (await pending.catch(() => undefined)) as T | undefined;
      if (reply) return { ...reply, cached: true };
    }
    const mine = send();
    inFlight.set(key, mine);
    try {
      return await mine;
    } finally {
      inFlight.delete(key);
    }
  };

  return {
    async call(provider, request, sample, callOptions) {
      const key = requestKey(provider, request, sample);
      const hit = await options.cache?.get(key);
      if (hit) return { ...hit, cached: true };
      return shared(key, async () => {
        const { value } = await withRetries(options.retry, run, () =>
          slot(provider.id, async () => {
            run.throwIfAborted();
            options.beforeSend?.();
            const started = performance.now();
            const signal = AbortSignal.any([run, AbortSignal.timeout(options.timeoutMs)]);
            const answer = await provider.call({ ...request, signal });
            return { answer, latencyMs: Math.round(performance.now() - started) };
          }),
        );
        const reply = {
          output: value.answer.output,
          tokens: value.answer.tokens,
          latencyMs: value.latencyMs,
        };
        // The reply is paid for and good: a cache that cannot be written (read-only, full disk) only
        // costs a re-run its cache hit, never this case its result.
        if (callOptions?.keep?.(reply.output) !== false)
          await options.cache?.set(key, reply).catch(() => undefined);
        return { ...reply, cached: false };
      });
    },
    async embed(provider, input) {
      const embed = provider.embed?.bind(provider);
      if (!embed) throw new TypeError(`${provider.id} has no embeddings endpoint`);
      // Its own key space: chat keys always have an array of messages.
      const key = cacheKey({
        provider: provider.cacheScope,
        model: provider.model,
        params: {},
        messages: { embed: input },
        sample: 1,
      });
      const hit = await options.cache?.get(key);
      if (hit)
        return {
          vectors: JSON.parse(hit.output),
          tokens: hit.tokens,
          latencyMs: hit.latencyMs,
          cached: true,
        };
      return shared(key, async () => {
        const { value } = await withRetries(options.retry, run, () =>
          slot(provider.id, async () => {
            run.throwIfAborted();
            options.beforeSend?.();
            const started = performance.now();
            const answer = await embed(input, AbortSignal.any([run, AbortSignal.timeout(options.timeoutMs)]));
            return { answer, latencyMs: Math.round(performance.now() - started) };
          }),
        );
        const { vectors, tokens } = value.answer;
        const entry = { output: JSON.stringify(vectors), tokens, latencyMs: value.latencyMs };
        await options.cache?.set(key, entry).catch(() => undefined);
        return { vectors, tokens, latencyMs: value.latencyMs, cached: false };
      });
    },
  };
}

/** The response cache key of a request: everything that decides the reply, and no secret. */
export function requestKey(provider: Provider, request: CallRequest, sample: number): string {
  return cacheKey({
    provider: provider.cacheScope,
    model: provider.model,
    params: request.params,
    messages: request.messages,
    responseFormat: request.responseFormat,
    tools: request.tools,
    sample,
  });
}
