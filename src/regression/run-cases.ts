import { PromptOpsError } from "../errors.js";
import { normaliseFinishReason } from "../providers/finish-reason.js";
import type { Provider } from "../providers/provider.js";
import { assertionsVerdict } from "./assertions/weighted-score.js";
import { caseIdentity, caseRequest, unsentResult } from "./case-results.js";
import type { TestCase } from "./plan-cases.js";
import type { CallReply, ProviderCaller } from "./provider-caller.js";
import type { AssertionResult, CaseResult, ToolCallResult } from "./results.js";
import { unfinishedReason } from "./run-deadline.js";
import { toolCallResults } from "./tool-call-results.js";

export interface AssertionInput {
  output: string;
  toolCalls?: readonly ToolCallResult[];
  vars: Record<string, unknown>;
  tokens: { input: number; output: number };
  latencyMs: number;
  costUsd: number | null;
  promptDir: string;
  finishReason?: string;
}

export interface CaseRunnerDeps {
  provider(id: string): Provider;
  /** `testCase`: which case it grades (--baseline hands `similar: { to: baseline }` its twin's output). */
  evaluate(
    assertions: TestCase["test"]["assert"],
    input: AssertionInput,
    testCase: TestCase,
  ): Promise<AssertionResult[]>;
  price(provider: Provider, tokens: { input: number; output: number }): number | null;
  /** Every provider call of the run goes through it (tested prompts, judges, baselines). */
  caller: ProviderCaller;
  /** --repeat N > 1: every sample is sent, never answered by an earlier run's cache. */
  freshSamples?: boolean;
}

export interface CaseRunOptions {
  /** Cancels the run: cases not finished become errors. */
  signal: AbortSignal;
  /** `testCase` says which sample of which case it was (repeats.ts aggregates them). */
  onCaseFinished?(result: CaseResult, testCase: TestCase): void;
  /** Once every case is in the caller's queue (cases start a few at a time). */
  onStarted?(): void;
}

/**
 * Runs every case through the run's provider caller and returns a result for each, in plan
 * order, whatever happened to it: a provider failure is an `error` case, never a crash of the run.
 */
export async function runCases(
  cases: readonly TestCase[],
  deps: CaseRunnerDeps,
  options: CaseRunOptions,
): Promise<CaseResult[]> {
  const running: Promise<CaseResult>[] = [];
  for (const [index, testCase] of cases.entries()) {
    // Starting a case renders its request: rendering every case before yielding held the first
    // request back (~50 ms for 1,000 cases). A turn of the event loop every few cases lets the
    // requests already queued go out while the rest are prepared.
    if (index > 0 && index % START_BATCH === 0) await nextTurn();
    const result = runCase(testCase, deps, deps.caller, options.signal).then((caseResult) => {
      options.onCaseFinished?.(caseResult, testCase);
      return caseResult;
    });
    result.catch(() => undefined); // awaited below: not an unhandled rejection meanwhile
    running.push(result);
  }
  // A turn later, every case started above is in the caller's queue.
  await nextTurn();
  options.onStarted?.();
  return Promise.all(running);
}

const START_BATCH = 16;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown by the caller's beforeSend once --max-cost is spent: the case is reported as not run. */
export class BudgetReached extends Error {
  constructor(readonly spentUsd: number) {
    super(`not run: --max-cost reached ($${spentUsd.toFixed(4)} spent)`);
  }
}

async function runCase(
  testCase: TestCase,
  deps: CaseRunnerDeps,
  caller: ProviderCaller,
  run: AbortSignal,
): Promise<CaseResult> {
  const provider = deps.provider(testCase.provider);
  const base = caseIdentity(testCase, provider.id);
  const failed = (error: string, attempts?: number): CaseResult =>
    unsentResult(base, attempts && attempts > 1 ? `${error} (after ${attempts} attempts)` : error);
  if (run.aborted) return failed(unfinishedReason(run));

  let request: ReturnType<typeof caseRequest>;
  try {
    request = caseRequest(testCase);
  } catch (error) {
    return failed(error instanceof PromptOpsError ? error.message : String(error));
  }

  let reply: CallReply;
  try {
    reply = await caller.call(
      provider,
      request,
      testCase.sample,
      deps.freshSamples ? { fresh: true } : undefined,
    );
  } catch (error) {
    if (error instanceof BudgetReached) return failed(error.message);
    if (run.aborted) return failed(unfinishedReason(run));
    const attempts = (error as { attempts?: number }).attempts;
    return failed(error instanceof Error ? error.message : String(error), attempts);
  }

  const tokens = { input: reply.tokens.input, output: reply.tokens.output };
  const toolCalls = reply.toolCalls ? { toolCalls: toolCallResults(reply.toolCalls) } : {};
  // Assertions see the call's price even when cached, so max-cost-usd passes or fails the same way;
  // the run's own cost counts only what was spent now, so a cached re-run costs 0.
  const costUsd = deps.price(provider, tokens);
  let assertions: AssertionResult[];
  try {
    assertions = await deps.evaluate(
      testCase.test.assert,
      {
        output: reply.output,
        ...toolCalls,
        vars: testCase.vars,
        tokens,
        latencyMs: reply.latencyMs,
        costUsd,
        promptDir: testCase.promptDir,
        ...(reply.finishReason === undefined ? {} : { finishReason: reply.finishReason }),
      },
      testCase,
    );
  } catch (error) {
    if (run.aborted) return { ...failed(unfinishedReason(run)), output: reply.output, ...toolCalls };
    // A grader that cannot grade (a judge provider down) makes the case an error, not a fail.
    return {
      ...failed(`assertion could not run: ${error instanceof Error ? error.message : String(error)}`),
      output: reply.output,
      ...toolCalls,
    };
  }
  const verdict = assertionsVerdict(assertions, testCase.test.threshold);
  return {
    ...base,
    status: verdict.pass ? "pass" : "fail",
    output: reply.output,
    ...toolCalls,
    latencyMs: reply.latencyMs,
    cached: reply.cached,
    ...(reply.finishReason === undefined ? {} : { finishReason: normaliseFinishReason(reply.finishReason) }),
    tokens,
    costUsd: reply.cached ? 0 : costUsd,
    assertions,
    ...(verdict.threshold === undefined ? {} : { score: verdict.score, threshold: verdict.threshold }),
  };
}
