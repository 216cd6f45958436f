import type { ProjectConfig } from "../config/config.js";
import type { ProviderSpec } from "../providers/provider-spec.js";
import {
  type BaselinePlan,
  type BaselineVersions,
  planBaseline,
  refusePairwiseWithoutBaseline,
} from "./baseline/plan-baseline.js";
import { boundaryNotes, isSent } from "./boundary/boundary-cases.js";
import type { TokenCounter } from "./count-tokens.js";
import { type CostEstimate, estimateCost, type Priced } from "./estimate-cost.js";
import { type GradingPlan, graderOf, planGrading } from "./judge/grading-plan.js";
import { type CaseSelection, type PromptUnderTest, planCases, type TestCase } from "./plan-cases.js";

/** Everything a test run's plan is made of, read from the project, git and the lockfile beforehand. */
export interface PlanInputs {
  config: ProjectConfig;
  /** Every provider a tested prompt runs on (test-matrix.ts). */
  providers: readonly ProviderSpec[];
  /** By prompt id, the ids of the providers that prompt runs on; without it, every prompt runs on all. */
  matrix?: ReadonlyMap<string, readonly string[]>;
  /** The prompts under test, each at the version tested (the draft, or --version's). */
  tested: readonly PromptUnderTest[];
  selection: Omit<CaseSelection, "providers" | "matrix">;
  /** --baseline, resolved for the tested prompts. */
  baseline?: BaselineVersions;
  judgePairwise?: boolean;
}

/** What a test run will send where: worked out whole before any provider exists. */
export interface TestRunPlan {
  /** Every case of the tested side, in report order (--repeat samples and --boundary inputs included). */
  cases: TestCase[];
  /** The cases that send a request: boundary inputs the variable schemas reject pass without one. */
  sent: TestCase[];
  /** The tested providers that have a case. */
  providers: ProviderSpec[];
  /** --baseline: the same cases on the baseline version of each prompt. */
  baseline: BaselinePlan | undefined;
  /** The llm-judge and similar providers the cases' assertions call. */
  grading: GradingPlan;
  /** --judge-pairwise, with a baseline to compare with. */
  pairwise: boolean;
  /** Things worth a line that are not results, e.g. prompts --boundary could not vary. */
  notes: string[];
}

/** The run's plan: pure, so it can be inspected (and tested) without a provider, git or the network. */
export function planTestRun(inputs: PlanInputs): TestRunPlan {
  const { config } = inputs;
  const cases = planCases(config, inputs.tested, {
    ...inputs.selection,
    providers: inputs.providers.map((s) => s.id),
    ...(inputs.matrix ? { matrix: inputs.matrix } : {}),
  });
  const notes = inputs.selection.boundary ? boundaryNotes(inputs.tested) : [];
  if (inputs.judgePairwise) refusePairwiseWithoutBaseline(inputs.baseline?.ref);
  const baseline = inputs.baseline ? planBaseline(inputs.baseline, cases) : undefined;
  // The baseline's cases are graded too, by the same graders.
  const grading = planGrading(config, [...cases, ...(baseline?.cases ?? [])]);
  if (grading.lexical > 0)
    notes.push(
      `similar: no \`embeddings:\` in promptops.config.yaml, so ${grading.lexical} test${grading.lexical > 1 ? "s compare" : " compares"} by the lexical measure`,
    );
  return {
    cases,
    sent: cases.filter(isSent),
    providers: inputs.providers.filter((spec) => cases.some((c) => c.provider === spec.id)),
    baseline,
    grading,
    pairwise: inputs.judgePairwise === true && baseline !== undefined,
    notes,
  };
}

/** The calls of the plan before the cache answers any: the tested side's and the baseline's own. */
export function plannedCalls(plan: TestRunPlan): TestCase[] {
  return [...plan.sent, ...(plan.baseline?.cases ?? [])];
}

/**
 * What the plan would cost at list price (`price`), its graders' calls included; `cached`: cases
 * the response cache answers (estimate-cost.ts's cachedCases), which cost nothing.
 */
export function estimatePlanCost(
  plan: TestRunPlan,
  price: (provider: Priced, tokens: { input: number; output: number }) => number | null,
  cached?: ReadonlySet<TestCase>,
  countTokens?: TokenCounter,
): CostEstimate {
  const specs = new Map(plan.providers.map((spec) => [spec.id, spec]));
  const tested = new Set(plan.cases);
  return estimateCost(
    plannedCalls(plan),
    (id) => specs.get(id)!,
    price,
    {
      judge: (assertion) => graderOf(plan.grading, "llm-judge", assertion),
      embeddings: (assertion) => graderOf(plan.grading, "similar", assertion),
      // Counted on the tested side of each pair; a baseline with the same content is a tie without asking.
      pairwise: (testCase) =>
        plan.pairwise &&
        plan.baseline?.versions.get(testCase.promptId)?.same === false &&
        tested.has(testCase),
    },
    cached,
    countTokens,
  );
}
