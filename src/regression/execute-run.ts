import { resolve } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import type { LocalState } from "../config/local-state.js";
import { checkProviderCredentials, createProvider } from "../providers/create-provider.js";
import { costUsd } from "../providers/pricing.js";
import type { Provider } from "../providers/provider.js";
import type { OutputDiffs } from "./baseline/output-diffs.js";
import { startBaseline } from "./baseline/run-baseline.js";
import { isSent, rejectedInputResult } from "./boundary/boundary-cases.js";
import { loadTokenCounter } from "./count-tokens.js";
import { cachedCases, refuseOverBudget } from "./estimate-cost.js";
import { createGraders, type Graders } from "./judge/graders.js";
import { type JudgePrompt, loadJudgePrompt } from "./judge/judge-prompt.js";
import { loadPairwisePrompt } from "./judge/pairwise-prompt.js";
import { createProviderCaller, type ProviderCaller } from "./provider-caller.js";
import { collectCaseResults } from "./repeats.js";
import { ResponseCache } from "./response-cache.js";
import type { CaseResult } from "./results.js";
import { defaultRetryPolicy } from "./retry.js";
import { BudgetReached, type CaseRunnerDeps, runCases } from "./run-cases.js";
import { type RunDeadline, startRunDeadline } from "./run-deadline.js";
import { estimatePlanCost, plannedCalls, type TestRunPlan } from "./run-plan.js";
import type { TestRunOptions } from "./test-run-options.js";

/** A run's plan carried out: its results, and what the conclusion still needs of the run. */
export interface ExecutedRun {
  /** One result per tested case (--repeat samples made one), in plan order. */
  results: CaseResult[];
  /** --baseline: one result per baseline case. */
  baselineResults: CaseResult[] | undefined;
  /** --baseline: each pair's output diff, worked out while requests were out. */
  diffs: OutputDiffs | undefined;
  /** The run's one caller and graders: --judge-pairwise asks its judges through them. */
  caller: ProviderCaller;
  graders: Graders;
  providers: ReadonlyMap<string, Provider>;
  price(provider: Pick<Provider, "kind" | "model">, tokens: { input: number; output: number }): number | null;
  /** Loaded when the plan compares pairwise. */
  pairwisePrompt: JudgePrompt | undefined;
  /** Ctrl-C or --max-duration, whichever comes first; disposed by the conclusion. */
  deadline: RunDeadline;
  maxDurationMs: number | undefined;
  /** Counts toward --max-cost what is spent after the cases (pairwise judgments). */
  spend(usd: number): void;
  /** Once per provider and note, however many replies said it (a deprecated model: every one). */
  providerNotes: ReadonlySet<string>;
}

/**
 * Checks credentials and the budget before the first request, then runs the plan's cases (and the
 * baseline's, side by side) through one caller.
 */
export async function executeRun(
  plan: TestRunPlan,
  run: { config: ProjectConfig; localState: LocalState; started: number },
  options: TestRunOptions,
): Promise<ExecutedRun> {
  const { config } = run;
  const env = options.env ?? process.env;
  const { cases, baseline, grading } = plan;
  // Some llm-judge has a judge: its prompt is read (and checked) before anything is sent.
  const judgePrompt = grading.asksJudge ? loadJudgePrompt(config) : undefined;
  // llm-judge and similar providers: checked with the tested ones, before any request.
  checkProviderCredentials([...plan.providers, ...grading.specs], env);
  // --judge-pairwise asks the llm-judge assertions' own judges (in the grading plan already).
  const pairwisePrompt = plan.pairwise ? loadPairwisePrompt(config) : undefined;
  const providers = new Map<string, Provider>();
  for (const spec of plan.providers)
    providers.set(
      spec.id,
      await createProvider(spec, env, { cwd: config.root, maxReplyBytes: config.test.maxReplyBytes }),
    );
  options.onPlanned?.(cases);

  const cache = options.noCache
    ? undefined
    : new ResponseCache(resolve(config.root, config.test.cacheDir), run.localState.trusts);
  const price = (provider: Pick<Provider, "kind" | "model">, tokens: { input: number; output: number }) =>
    costUsd({ kind: provider.kind, model: provider.model }, tokens, config.pricing);
  // --repeat N > 1 draws N new samples every run: the cache records them but answers none.
  const freshSamples = (options.repeat ?? 1) > 1;
  if (options.maxCostUsd !== undefined) {
    const cached =
      cache && !freshSamples
        ? await cachedCases(plannedCalls(plan), (id) => providers.get(id)!, cache)
        : undefined;
    const countTokens = await loadTokenCounter();
    refuseOverBudget(estimatePlanCost(plan, price, cached, countTokens), options.maxCostUsd);
  }
  // Spent is counted as cases finish; once --max-cost is reached nothing new is sent, and requests
  // already in flight finish (they are paid for).
  let spentUsd = 0;
  // Counted from the start of the run, planning included: it is the CI job's clock that matters.
  const maxDurationMs = options.maxDurationMs ?? config.test.maxDurationMs;
  const deadline = startRunDeadline(
    options.signal ?? new AbortController().signal,
    maxDurationMs === undefined ? undefined : Math.max(1, maxDurationMs - (performance.now() - run.started)),
  );
  const signal = deadline.signal;
  const providerNotes = new Set<string>();
  const caller = createProviderCaller({
    concurrency: options.concurrency ?? config.test.concurrency,
    providerConcurrency: new Map(
      [...plan.providers, ...grading.specs].filter((s) => s.concurrency).map((s) => [s.id, s.concurrency!]),
    ),
    retry: { ...defaultRetryPolicy, retries: options.retries ?? config.test.retries },
    timeoutMs: options.timeoutMs ?? config.test.timeoutMs,
    signal,
    cache,
    beforeSend: () => {
      if (options.maxCostUsd !== undefined && spentUsd >= options.maxCostUsd)
        throw new BudgetReached(spentUsd);
    },
    onNotes: (provider, said) => {
      for (const note of said) providerNotes.add(`${provider.id}: ${note}`);
    },
  });
  const graders = await createGraders(grading, { caller, providers, env, config, price, judgePrompt });
  // One result per case: --repeat samples become one (repeats.ts); boundary inputs the variable
  // schemas reject pass without a request (boundary/boundary-cases.ts).
  const collected = collectCaseResults(cases, (result) => options.onCaseFinished?.(result));
  for (const testCase of cases) if (!isSent(testCase)) collected.add(testCase, rejectedInputResult(testCase));
  const deps: CaseRunnerDeps = {
    provider: (id) => providers.get(id)!,
    evaluate: graders.evaluate,
    price,
    caller,
    freshSamples,
  };
  // --baseline: each pair's diff is worked out once both replies are in, while requests are out.
  // Loaded only then: it brings the `diff` library (~29 KB of bundle) a plain run never uses.
  const diffs = baseline ? new (await import("./baseline/output-diffs.js")).OutputDiffs() : undefined;
  let startedTested: () => void = () => undefined;
  const testedStarted = new Promise<void>((resolve) => {
    startedTested = resolve;
  });
  const baselineRun =
    baseline &&
    startBaseline(baseline, deps, {
      signal,
      testedStarted,
      onSampleFinished: (result) => {
        graders.attach(result);
        diffs?.pairUp("baseline", result);
        spentUsd += (result.costUsd ?? 0) + (result.judge?.costUsd ?? 0);
      },
    });
  const sampleResults = await runCases(plan.sent, baselineRun ? baselineRun.currentDeps : deps, {
    signal,
    onCaseFinished: (result, testCase) => {
      graders.attach(result);
      diffs?.pairUp("current", result);
      spentUsd += (result.costUsd ?? 0) + (result.judge?.costUsd ?? 0);
      collected.add(testCase, result);
    },
    onStarted: () => startedTested(),
  });
  return {
    results: collected.finish(plan.sent, sampleResults),
    baselineResults: baselineRun ? await baselineRun.results : undefined,
    diffs,
    caller,
    graders,
    providers,
    price,
    pairwisePrompt,
    deadline,
    maxDurationMs,
    spend: (usd) => {
      spentUsd += usd;
    },
    providerNotes,
  };
}
