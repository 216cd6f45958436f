import { estimateTokenCount } from "tokenx";
import { PromptOpsError } from "../errors.js";
import { textOf } from "../prompt/provider-formats.js";
import type { Provider } from "../providers/provider.js";
import { caseRequest } from "./case-results.js";
import type { TestCase } from "./plan-cases.js";
import { requestKey } from "./provider-caller.js";
import type { ResponseCache } from "./response-cache.js";

/** When a prompt sets no max_tokens, a reply is assumed this long for the estimate. */
const ASSUMED_OUTPUT_TOKENS = 512;
/** A judge call: its instructions and the rubric on top of the graded reply, and a short verdict. */
const JUDGE_OVERHEAD_TOKENS = 400;
const JUDGE_VERDICT_TOKENS = 150;

/** Who grades an llm-judge assertion, as pricing sees it; undefined when nobody would. */
export type JudgeOf = (assertion: Record<string, unknown>) => Pick<Provider, "kind" | "model"> | undefined;

export interface CostEstimate {
  usd: number;
  /** Cases whose model has no known price: not in the estimate. */
  unpriced: number;
  cached: number;
}

/**
 * What a run would cost before anything is sent: estimated input tokens of each rendered prompt,
 * output tokens at the prompt's max_tokens, at list price. Cached cases cost nothing.
 */
export async function estimateRunCost(
  cases: readonly TestCase[],
  provider: (id: string) => Provider,
  price: (
    provider: Pick<Provider, "kind" | "model">,
    tokens: { input: number; output: number },
  ) => number | null,
  cache: ResponseCache | undefined,
  judgeOf?: JudgeOf,
): Promise<CostEstimate> {
  const estimate: CostEstimate = { usd: 0, unpriced: 0, cached: 0 };
  for (const testCase of cases) {
    const chosen = provider(testCase.provider);
    let request: ReturnType<typeof caseRequest>;
    try {
      request = caseRequest(testCase);
    } catch {
      continue; // it will be an error case, and send nothing
    }
    if (await cache?.get(requestKey(chosen, request, testCase.sample))) {
      estimate.cached++;
      continue;
    }
    const input = request.messages.reduce((sum, m) => sum + estimateTokenCount(textOf(m.content)), 0);
    const output =
      typeof request.params.max_tokens === "number" ? request.params.max_tokens : ASSUMED_OUTPUT_TOKENS;
    const usd = price(chosen, { input, output });
    if (usd === null) estimate.unpriced++;
    else estimate.usd += usd;
    // Each llm-judge assertion is one more call, reading the reply it grades.
    for (const assertion of testCase.test.assert) {
      if (!Object.hasOwn(assertion, "llm-judge")) continue;
      const judge = judgeOf?.(assertion);
      if (!judge) continue;
      const judged = price(judge, { input: output + JUDGE_OVERHEAD_TOKENS, output: JUDGE_VERDICT_TOKENS });
      if (judged === null) estimate.unpriced++;
      else estimate.usd += judged;
    }
  }
  return estimate;
}

export function refuseOverBudget(estimate: CostEstimate, maxCostUsd: number): void {
  if (estimate.usd <= maxCostUsd) return;
  throw new PromptOpsError(
    "over-budget",
    `this run would cost about $${estimate.usd.toFixed(4)}, over --max-cost $${maxCostUsd}`,
    {
      exitCode: 2,
      hint: "narrow it (ids, --filter, --since, --providers) or raise --max-cost; nothing was sent",
    },
  );
}
