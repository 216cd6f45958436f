import pLimit from "p-limit";
import type { Provider, ProviderCall } from "../providers/provider.js";
import { abortError, ProviderError } from "../providers/provider-errors.js";
import { withDeadline } from "./attempt-deadline.js";
import { ProviderPace, RateLimitLog, type RateLimitStats } from "./provider-pace.js";
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
  /** What a provider could not honour as asked (a dropped param, a deprecated model), per reply. */
  onNotes?(provider: Provider, notes: readonly string[]): void;
}

export interface CallReply extends CachedReply {
  cached: boolean;
}

export type CallRequest = Omit<ProviderCall, "signal">;

/**
 * Every provider call of a run, tested prompts and judges alike, goes through one of these: one
 * concurrency limit, and per provider one that its rate limits lower and its successes raise back
 * (provider-pace.ts), retries that obey retry-after, a per-request timeout that really cancels, and
 * the response cache. A request holds its slot only while in flight, not while it waits to retry.
 */
export interface ProviderCaller {
  call(provider: Provider, request: CallRequest, sample: number, options?: CallOptions): Promise<CallReply>;
  /** Embeddings (for `similar`): the same limits, retries, timeout and cache as `call`. */
  embed(provider: Provider, input: string[]): Promise<EmbedReply>;
  /** How the run was held back by rate limits so far; undefined when no provider answered 429. */
  rateLimits(): RateLimitStats | undefined;
}

export interface CallOptions {
  /** A reply this refuses is returned but not cached: a judge's unreadable verdict is asked again next run. */
  keep?(output: string): boolean;
  /**
   * A --repeat sample: sent, never answered by a reply an earlier run cached (that would replay
   * the same sample, not draw a new one). Its reply is still cached, and a request this run
   * already sent (a baseline twin of the same content) still shares its reply.
   */
  fresh?: boolean;
}

export interface EmbedReply {
  vectors: number[][];
  tokens: { input: number; output: number; estimated: boolean };
  latencyMs: number;
  cached: boolean;
}

export function createProviderCaller(options: CallerOptions): ProviderCaller {
  const global = pLimit(options.concurrency);
  const rateLimits = new RateLimitLog();
  const paces = new Map<string, ProviderPace>();
  const paceOf = (providerId: string) => {
    let pace = paces.get(providerId);
    if (!pace) {
      const own = options.providerConcurrency?.get(providerId);
      pace = new ProviderPace(
        Math.min(own ?? options.concurrency, options.concurrency),
        rateLimits,
        options.retry.maxDelayMs,
      );
      paces.set(providerId, pace);
    }
    return pace;
  };
  const run = options.signal;

  /** One request through the limits, retries and timeout: its answer and how long it took. */
  const send = async <T>(providerId: string, request: (signal: AbortSignal) => Promise<T>) => {
    const pace = paceOf(providerId);
    const { value } = await withRetries(
      options.retry,
      run,
      () =>
        // The provider's own slot first: a case waiting for its provider (its limit, or a pause its
        // 429s asked for) must not sit in a run-wide slot, or one slow or rate-limited provider
        // would starve every other provider of the run.
        pace.slot(async () => {
          await pace.ready(run);
          return global(async () => {
            run.throwIfAborted();
            options.beforeSend?.();
            const started = performance.now();
            try {
              const answer = await withDeadline(options.timeoutMs, run, request, (signal) =>
                abortError(signal, providerId),
              );
              pace.succeeded();
              return { answer, latencyMs: Math.round(performance.now() - started) };
            } catch (error) {
              if (error instanceof ProviderError && error.kind === "rate-limit")
                pace.rateLimited(started, error.retryAfterMs);
              throw error;
            }
          });
        }),
      { rateLimitWait: () => rateLimits.hold() },
    );
    return value;
  };

  // With the cache on, a request identical to one in flight waits for that one's reply instead of
  // paying for its own: the reply it would find in the cache a moment later (repeated texts to
  // embed, two tests rendering the same request). A failed request is never shared, as it is never
  // cached: each waiter then tries for itself. --no-cache sends every request.
  const inFlight = new Map<string, Promise<CachedReply>>();
  /** Keys this run cached a reply for: what a `fresh` call may still be answered by. */
  const cachedThisRun = new Set<string>();
  /** The cache's reply, else the one in flight for the same request, else a fresh one (then cached). */
  const throughCache = async (
    key: () => string,
    fresh: () => Promise<CachedReply>,
    keep: (output: string) => boolean = () => true,
    sendAgain = false,
    usable: (hit: CachedReply) => boolean = () => true,
  ): Promise<CallReply> => {
    const cache = options.cache;
    // No key without a cache: it is a hash of the whole request, for nothing.
    if (!cache) return { ...(await fresh()), cached: false };
    const id = key();
    const hit = !sendAgain || cachedThisRun.has(id) ? await cache.get(id) : undefined;
    if (hit && usable(hit)) return { ...hit, cached: true };
    for (let pending = inFlight.get(id); pending; pending = inFlight.get(id)) {
      const reply = await pending.catch(() => undefined);
      if (reply) return { ...reply, cached: true };
    }
    const mine = fresh();
    inFlight.set(id, mine);
    try {
      const reply = await mine;
      // The reply is paid for and good: a cache that cannot be written (read-only, full disk) only
      // costs a re-run its cache hit, never this case its result.
      if (keep(reply.output)) {
        await cache.set(id, reply).catch(() => undefined);
        if (sendAgain) cachedThisRun.add(id);
      }
      return { ...reply, cached: false };
    } finally {
      inFlight.delete(id);
    }
  };

  return {
    rateLimits: () => rateLimits.stats(),
    async call(provider, request, sample, callOptions) {
      const declaresTools = (request.tools?.length ?? 0) > 0;
      const reply = await throughCache(
        () => requestKey(provider, request, sample),
        async () => {
          const { answer, latencyMs } = await send(provider.id, (signal) =>
            provider.call({ ...request, signal }),
          );
          const notes = answer.notes?.length ? { notes: answer.notes } : {};
          const reason = answer.finishReason === undefined ? {} : { finishReason: answer.finishReason };
          const toolCalls = answer.toolCalls ?? (declaresTools ? [] : undefined);
          return {
            output: answer.output,
            ...(toolCalls ? { toolCalls } : {}),
            tokens: answer.tokens,
            latencyMs,
            ...notes,
            ...reason,
          };
        },
        callOptions?.keep,
        callOptions?.fresh,
        // An entry cached before replies kept their tool calls would replay as "no call made".
        (hit) => !declaresTools || hit.toolCalls !== undefined,
      );
      if (reply.notes?.length) options.onNotes?.(provider, reply.notes);
      return reply;
    },
    async embed(provider, input) {
      const embed = provider.embed?.bind(provider);
      if (!embed) throw new TypeError(`${provider.id} has no embeddings endpoint`);
      const reply = await throughCache(
        // Its own key space: chat keys always have an array of messages.
        () =>
          cacheKey({
            provider: provider.cacheScope,
            model: provider.model,
            params: {},
            messages: { embed: input },
            sample: 1,
          }),
        async () => {
          const { answer, latencyMs } = await send(provider.id, (signal) => embed(input, signal));
          return { output: JSON.stringify(answer.vectors), tokens: answer.tokens, latencyMs };
        },
      );
      const { output, ...rest } = reply;
      return { ...rest, vectors: JSON.parse(output) };
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
