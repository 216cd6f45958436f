import { estimateTokenCount } from "tokenx";
import { PromptOpsError } from "../errors.js";
import { textOf } from "../prompt/provider-formats.js";
import { roundUsd } from "../providers/pricing.js";
import type { Provider } from "../providers/provider.js";
import { caseRequest } from "./case-results.js";
import type { TokenCounter } from "./count-tokens.js";
import type { TestCase } from "./plan-cases.js";
import { requestKey } from "./provider-caller.js";
import type { ResponseCache } from "./response-cache.js";

/** When a prompt sets no max_tokens, a reply is assumed this long for the estimate. */
const ASSUMED_OUTPUT_TOKENS = 512;
/** A judge call: its instructions and the rubric on top of the graded reply, and a short verdict. */
const JUDGE_OVERHEAD_TOKENS = 400;
const JUDGE_VERDICT_TOKENS = 150;

export type Priced = Pick<Provider, "kind" | "model">;

/** Who grades a case's assertions, as pricing sees them. */
export interface GraderPricing {
  /** An llm-judge assertion's judge; undefined when nobody would grade it. */
  judge(assertion: Record<string, unknown>): Priced | undefined;
  /** A similar assertion's embeddings model; undefined for the lexical measure, which is free. */
  embeddings(assertion: Record<string, unknown>): Priced | undefined;
  /** --judge-pairwise: whether the case is compared with a baseline twin (both orders, per rubric). */
  pairwise(testCase: TestCase): boolean;
}

export interface CostEstimate {
  usd: number;
  /**
   * Models the run would call that have no known price, by their config `pricing:` key
   * ("openai-compatible:acme-1"): not in the estimate, so --max-cost cannot bound them.
   */
  unpriced: string[];
  cached: number;
}

/**
 * What a run would cost before anything is sent: estimated input tokens of each rendered prompt,
 * output tokens at the prompt's max_tokens, at list price. Cached cases cost nothing.
 */
export async function estimateRunCost(
  cases: readonly TestCase[],
  provider: (id: string) => Provider,
  price: Price,
  cache: ResponseCache | undefined,
  graders?: GraderPricing,
  countTokens?: TokenCounter,
): Promise<CostEstimate> {
  const cached = cache ? await cachedCases(cases, provider, cache) : undefined;
  return estimateCost(cases, provider, price, graders, cached, countTokens);
}

type Price = (provider: Priced, tokens: { input: number; output: number }) => number | null;

/** The cases whose reply the cache holds: they will send nothing. */
export async function cachedCases(
  cases: readonly TestCase[],
  provider: (id: string) => Provider,
  cache: ResponseCache,
): Promise<Set<TestCase>> {
  const cached = new Set<TestCase>();
  for (const testCase of cases) {
    const request = requestOf(testCase);
    if (request && (await cache.get(requestKey(provider(testCase.provider), request, testCase.sample))))
      cached.add(testCase);
  }
  return cached;
}

/**
 * estimateRunCost once the cached cases are known: pure, so a plan can be priced without a provider.
 * `countTokens`: the real tokenizer (count-tokens.ts) for --max-cost; tokenx's estimate otherwise.
 */
export function estimateCost(
  cases: readonly TestCase[],
  provider: (id: string) => Priced,
  price: Price,
  graders?: GraderPricing,
  cached?: ReadonlySet<TestCase>,
  countTokens: TokenCounter = estimateTokenCount,
): CostEstimate {
  const estimate: CostEstimate = { usd: 0, unpriced: [], cached: 0 };
  const unpriced = new Set<string>();
  for (const testCase of cases) {
    const chosen = provider(testCase.provider);
    const request = requestOf(testCase);
    if (!request) continue; // it will be an error case, and send nothing
    if (cached?.has(testCase)) {
      estimate.cached++;
      continue;
    }
    const input = request.messages.reduce((sum, m) => sum + countTokens(textOf(m.content)), 0);
    const output =
      typeof request.params.max_tokens === "number" ? request.params.max_tokens : ASSUMED_OUTPUT_TOKENS;
    const add = (who: Priced, tokens: { input: number; output: number }) => {
      const usd = price(who, tokens);
      if (usd !== null) estimate.usd = roundUsd(estimate.usd + usd);
      // echo answers offline: it spends nothing, priced or not.
      else if (who.kind !== "echo") unpriced.add(pricingKey(who));
    };
    add(chosen, { input, output });
    if (!graders) continue;
    for (const assertion of testCase.test.assert) {
      // An llm-judge is one more call reading the reply it grades; with --judge-pairwise, two more
      // reading both sides' replies (once in each order).
      const judge = Object.hasOwn(assertion, "llm-judge") ? graders.judge(assertion) : undefined;
      if (judge) {
        add(judge, { input: output + JUDGE_OVERHEAD_TOKENS, output: JUDGE_VERDICT_TOKENS });
        if (graders.pairwise(testCase))
          for (let order = 0; order < 2; order++)
            add(judge, { input: 2 * output + JUDGE_OVERHEAD_TOKENS, output: JUDGE_VERDICT_TOKENS });
      }
      // A similar embeds the reply and what it is compared with (about as long).
      const embeddings = Object.hasOwn(assertion, "similar") ? graders.embeddings(assertion) : undefined;
      if (embeddings) add(embeddings, { input: 2 * output, output: 0 });
    }
  }
  estimate.unpriced = [...unpriced].sort();
  return estimate;
}

/** The key config `pricing:` prices a model by (pricing.ts's priceOf). */
function pricingKey({ kind, model }: Priced): string {
  return `${kind}:${model}`;
}

function requestOf(testCase: TestCase): ReturnType<typeof caseRequest> | undefined {
  try {
    return caseRequest(testCase);
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything is sent, a run that --max-cost cannot bound: one whose estimate is over
 * the limit, or that calls a model without a price (its spend would count as nothing, so the limit
 * would silently not hold).
 */
export function refuseOverBudget(estimate: CostEstimate, maxCostUsd: number): void {
  if (estimate.unpriced.length > 0) {
    const [first] = estimate.unpriced;
    throw new PromptOpsError(
      "unpriced-model",
      `--max-cost cannot bound this run: no price is known for ${estimate.unpriced.join(", ")}`,
      {
        exitCode: 2,
        hint: `price ${estimate.unpriced.length === 1 ? "it" : "each"} in promptops.config.yaml, e.g. pricing: { ${JSON.stringify(first)}: { input: 0.5, output: 1.5 } } (USD per million tokens), or run without --max-cost; nothing was sent`,
      },
    );
  }
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
