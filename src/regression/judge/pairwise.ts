import type { Provider } from "../../providers/provider.js";
import type { PairwiseOutcome, PairwiseVote } from "../baseline/baseline-results.js";
import { pairKey } from "../baseline/plan-baseline.js";
import type { TestCase } from "../plan-cases.js";
import type { ProviderCaller } from "../provider-caller.js";
import type { CaseResult } from "../results.js";
import { graderError } from "./grader-scope.js";
import type { JudgePrompt } from "./judge-prompt.js";
import { type GraderReply, UsageTally } from "./judge-usage.js";
import { judgeOptions, NO_JUDGE } from "./llm-judge.js";
import { pairwiseRequest } from "./pairwise-prompt.js";
import { combineVotes, parsePreference, voteOf } from "./pairwise-verdict.js";

export interface PairwiseDeps {
  /** The run's caller: the same concurrency limit, retries, timeout, cache and --max-cost check. */
  caller: ProviderCaller;
  prompt: JudgePrompt;
  /** The judge of an llm-judge's `provider:` (or config `judge`), as the run's graders have it. */
  judgeProvider(ref: string | undefined): Provider | undefined;
  /** Counts a judge reply in the run's judge usage; returns it priced. */
  record(
    provider: Provider,
    reply: { tokens: { input: number; output: number }; cached: boolean },
  ): GraderReply;
  signal: AbortSignal;
}

/**
 * --judge-pairwise: for each case where both sides got a reply, and each llm-judge rubric of its
 * test, a judge says which output meets the rubric better, asked once with each output first. A
 * comparison that cannot be made is recorded on the case as an error; it never changes the case's
 * status or stops the run. Its judge usage is counted on the case and in the run's totals.
 */
export async function judgePairwise(
  results: readonly CaseResult[],
  cases: readonly TestCase[],
  deps: PairwiseDeps,
): Promise<CaseResult[]> {
  const testOf = new Map<string, TestCase>();
  for (const testCase of cases) {
    const key = pairKey({ prompt: testCase.promptId, test: testCase.test.name, provider: testCase.provider });
    if (!testOf.has(key)) testOf.set(key, testCase);
  }
  return Promise.all(
    results.map(async (result): Promise<CaseResult> => {
      const testCase = testOf.get(pairKey(result));
      const { baseline } = result;
      // `delta` is there only when both sides got a reply: nothing to compare otherwise.
      if (!baseline?.delta || !testCase || deps.signal.aborted) return result;
      const rubrics = testCase.test.assert.flatMap((assertion) =>
        assertion && Object.hasOwn(assertion, "llm-judge") ? [assertion["llm-judge"]] : [],
      );
      if (rubrics.length === 0) return result;
      const usage = new UsageTally();
      if (result.judge) usage.addAll(result.judge);
      const sides = { current: result.output, baseline: baseline.output };
      const pairwise = await Promise.all(
        rubrics.map((value) => compare(value, sides, testCase.vars, deps, usage)),
      );
      const judge = usage.usage();
      return { ...result, ...(judge ? { judge } : {}), baseline: { ...baseline, pairwise } };
    }),
  );
}

async function compare(
  value: unknown,
  sides: { current: string; baseline: string },
  vars: Record<string, unknown>,
  deps: PairwiseDeps,
  usage: UsageTally,
): Promise<PairwiseOutcome> {
  const options = judgeOptions(value);
  if (typeof options === "string") return { rubric: rubricOf(value), error: options };
  const { rubric } = options;
  let provider: Provider | undefined;
  try {
    provider = deps.judgeProvider(options.provider);
  } catch (error) {
    return { rubric, error: error instanceof Error ? error.message : String(error) };
  }
  if (!provider) return { rubric, error: NO_JUDGE };
  // The same text on both sides (e.g. both versions have the same content): a tie, without paying
  // a judge to say so (or to show its position bias).
  if (sides.current === sides.baseline) return { rubric, winner: "tie", votes: [], consistent: true };
  const judge = provider;

  // What went wrong is returned, not thrown: both orders are asked even when one fails (the other
  // is on its way and paid for), and a failure is the comparison's, never the run's.
  const ask = async (order: PairwiseVote["order"]): Promise<PairwiseVote | string> => {
    const [first, second] =
      order === "current-first" ? [sides.current, sides.baseline] : [sides.baseline, sides.current];
    const request = pairwiseRequest(deps.prompt, { rubric, first, second, vars });
    let reply: Awaited<ReturnType<ProviderCaller["call"]>>;
    try {
      // An unreadable answer is not cached: the next run asks again rather than repeat the error.
      reply = await deps.caller.call(judge, request, 1, { keep: (output) => parsePreference(output).ok });
    } catch (error) {
      return graderError(`the judge ${judge.id} failed (${order})`, error).message;
    }
    usage.add(deps.record(judge, reply));
    const parsed = parsePreference(reply.output);
    if (!parsed.ok) return `the judge ${judge.id} gave no usable preference (${order}): ${parsed.problem}`;
    return voteOf(order, parsed);
  };
  const [currentFirst, baselineFirst] = await Promise.all([ask("current-first"), ask("baseline-first")]);
  if (typeof currentFirst === "string") return { rubric, error: currentFirst };
  if (typeof baselineFirst === "string") return { rubric, error: baselineFirst };
  return combineVotes(rubric, [currentFirst, baselineFirst]);
}

function rubricOf(value: unknown): string {
  if (typeof value === "string") return value;
  const rubric = (value as { rubric?: unknown } | null)?.rubric;
  return typeof rubric === "string" ? rubric : "";
}
