import { planCases } from "./plan-cases.js";
import type { PlanInputs, TestRunPlan } from "./run-plan.js";

/**
 * Why a run selected no case. A CI job started in the wrong folder, or with a filter that matches
 * nothing, must not pass green, while "nothing changed since the base branch" and an empty shard
 * of a small suite are normal: the CLI decides the exit code from the reason.
 */
export type EmptyRun =
  | { reason: "no-prompt-files"; promptsDir: string }
  | { reason: "nothing-changed"; since: string }
  | { reason: "empty-shard"; shard: string; cases: number }
  | { reason: "nothing-selected" };

/** What the run's inputs said before the plan: how many prompt files, and what --since kept. */
export interface SelectionFacts {
  promptFiles: number;
  promptsDir: string;
  /** --since, and how many prompts it kept. */
  since?: { ref: string; prompts: number };
}

export function whyNothingRan(
  facts: SelectionFacts,
  inputs: PlanInputs,
  plan: TestRunPlan,
): EmptyRun | undefined {
  if (plan.cases.length > 0) return undefined;
  if (facts.promptFiles === 0) return { reason: "no-prompt-files", promptsDir: facts.promptsDir };
  if (facts.since && facts.since.prompts === 0) return { reason: "nothing-changed", since: facts.since.ref };
  const { shard, ...unsharded } = inputs.selection;
  if (shard) {
    const providers = inputs.providers.map((s) => s.id);
    const cases = planCases(inputs.config, inputs.tested, { ...unsharded, providers }).length;
    if (cases > 0) return { reason: "empty-shard", shard: `${shard.index}/${shard.count}`, cases };
  }
  return { reason: "nothing-selected" };
}
