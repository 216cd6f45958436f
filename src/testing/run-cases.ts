import pLimit, { type LimitFunction } from "p-limit";
import { PromptOpsError } from "../errors.js";
import { renderPrompt } from "../prompt/render.js";
import type { Provider, ProviderReply } from "../providers/provider.js";
import type { TestCase } from "./plan-cases.js";
import { type CachedReply, cacheKey, type ResponseCache } from "./response-cache.js";
import type { AssertionResult, CaseResult } from "./results.js";
import { type RetryPolicy, withRetries } from "./retry.js";

export interface AssertionInput {
  output: string;
  vars: Record<string, unknown>;
  tokens: { input: number; output: number };
  latencyMs: number;
  costUsd: number | null;
  promptDir: string;
}

export interface CaseRunnerDeps {
  provider(id: string): Provider;
  evaluate(assertions: TestCase["test"]["assert"], input: AssertionInput): Promise<AssertionResult[]>;
  price(provider: Provider, tokens: { input: number; output: number }): number | null;
  cache: ResponseCache | undefined;
}

export interface CaseRunOptions {
  concurrency: number;
  /** Optional tighter limits per provider id. */
  providerConcurrency?: ReadonlyMap<string, number>;
  retry: RetryPolicy;
  timeoutMs: number;
  signal: AbortSignal;
  /** Stop sending once the run has spent this much. */
  maxCostUsd?: number;
  onCaseFinished?(result: CaseResult): void;
}

interface Reply extends CachedReply {
  cached: boolean;
}

/**
 * Runs every case with bounded concurrency and returns a result for each, in plan order,
 * whatever happened to it: a provider failure is an `error` case, never a crash of the run.
 * A request holds its concurrency slot only while it is in flight, not while it waits to retry.
 */
export async function runCases(
  cases: readonly TestCase[],
  deps: CaseRunnerDeps,
  options: CaseRunOptions,
): Promise<CaseResult[]> {
  const global = pLimit(options.concurrency);
  const perProvider = new Map<string, LimitFunction>();
  for (const [id, limit] of options.providerConcurrency ?? []) perProvider.set(id, pLimit(limit));
  const budget = new AbortController();
  let spent = 0;
  const run = AbortSignal.any([options.signal, budget.signal]);

  const slot = <T>(providerId: string, fn: () => Promise<T>): Promise<T> => {
    const own = perProvider.get(providerId);
    // The provider's own limit first: a case waiting for its provider must not sit in a run-wide
    // slot, or a provider held to 1 in flight would starve every other provider of the run.
    return own ? own(() => global(fn)) : global(fn);
  };

  return Promise.all(
    cases.map(async (testCase) => {
      const result = await runCase(testCase, deps, options, run, slot);
      if (result.costUsd !== null) {
        spent += result.costUsd;
        if (options.maxCostUsd !== undefined && spent >= options.maxCostUsd)
          budget.abort(new BudgetReached(spent));
      }
      options.onCaseFinished?.(result);
      return result;
    }),
  );
}

class BudgetReached extends Error {
  constructor(readonly spentUsd: number) {
    super(`--max-cost reached ($${spentUsd.toFixed(4)} spent)`);
  }
}

async function runCase(
  testCase: TestCase,
  deps: CaseRunnerDeps,
  options: CaseRunOptions,
  run: AbortSignal,
  slot: <T>(providerId: string, fn: () => Promise<T>) => Promise<T>,
): Promise<CaseResult> {
  const provider = deps.provider(testCase.provider);
  const base = {
    prompt: testCase.promptId,
    version: testCase.version,
    hash: testCase.hash,
    provider: provider.id,
    test: testCase.test.name,
    location: testCase.location,
  };
  const failed = (error: string, attempts?: number): CaseResult => ({
    ...base,
    status: "error",
    output: "",
    latencyMs: 0,
    cached: false,
    tokens: { input: 0, output: 0 },
    costUsd: null,
    assertions: [],
    error: attempts && attempts > 1 ? `${error} (after ${attempts} attempts)` : error,
  });
  if (run.aborted) return failed(abortMessage(run));

  let messages: ReturnType<typeof renderPrompt>;
  try {
    messages = renderPrompt(testCase.promptId, testCase.compiled, testCase.vars);
  } catch (error) {
    return failed(error instanceof PromptOpsError ? error.message : String(error));
  }
  const params = { ...(testCase.compiled.model?.params ?? {}) };
  const request = {
    messages,
    params,
    responseFormat: testCase.compiled.response_format,
    tools: testCase.compiled.tools,
  };
  const key = cacheKey({
    provider: provider.cacheScope,
    model: provider.model,
    params,
    messages,
    responseFormat: request.responseFormat,
    tools: request.tools,
    sample: testCase.sample,
  });

  let reply: Reply;
  try {
    const hit = await deps.cache?.get(key);
    if (hit) reply = { ...hit, cached: true };
    else {
      const { value } = await withRetries(options.retry, run, () =>
        slot(provider.id, async () => {
          run.throwIfAborted();
          const started = performance.now();
          const signal = AbortSignal.any([run, AbortSignal.timeout(options.timeoutMs)]);
          const answer: ProviderReply = await provider.call({ ...request, signal });
          return { answer, latencyMs: Math.round(performance.now() - started) };
        }),
      );
      reply = {
        output: value.answer.output,
        tokens: value.answer.tokens,
        latencyMs: value.latencyMs,
        cached: false,
      };
      // The reply is paid for and good: a cache that cannot be written (read-only, full disk) only
      // costs a re-run its cache hit, never this case its result.
      await deps.cache
        ?.set(key, { output: reply.output, tokens: reply.tokens, latencyMs: reply.latencyMs })
        .catch(() => undefined);
    }
  } catch (error) {
    if (run.aborted) return failed(abortMessage(run));
    const attempts = (error as { attempts?: number }).attempts;
    return failed(error instanceof Error ? error.message : String(error), attempts);
  }

  const tokens = { input: reply.tokens.input, output: reply.tokens.output };
  // Assertions see the call's price even when cached, so max-cost-usd passes or fails the same way;
  // the run's own cost counts only what was spent now, so a cached re-run costs 0.
  const costUsd = deps.price(provider, tokens);
  let assertions: AssertionResult[];
  try {
    assertions = await deps.evaluate(testCase.test.assert, {
      output: reply.output,
      vars: testCase.vars,
      tokens,
      latencyMs: reply.latencyMs,
      costUsd,
      promptDir: testCase.promptDir,
    });
  } catch (error) {
    // A grader that cannot grade (a judge provider down) makes the case an error, not a fail.
    return {
      ...failed(`assertion could not run: ${error instanceof Error ? error.message : String(error)}`),
      output: reply.output,
    };
  }
  return {
    ...base,
    status: assertions.every((a) => a.pass) ? "pass" : "fail",
    output: reply.output,
    latencyMs: reply.latencyMs,
    cached: reply.cached,
    tokens,
    costUsd: reply.cached ? 0 : costUsd,
    assertions,
  };
}

function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof BudgetReached
    ? `not run: ${signal.reason.message}`
    : "cancelled before it finished";
}
