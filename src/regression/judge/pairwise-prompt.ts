import type { ProjectConfig } from "../../config/config.js";
import type { CallRequest } from "../provider-caller.js";
import { type GraderPromptKind, graderRequest, type JudgePrompt, loadGraderPrompt } from "./judge-prompt.js";

/** What the pairwise judge prompt is given: the rubric, the two outputs in the order asked, the inputs. */
export interface PairwiseInput {
  rubric: string;
  first: string;
  second: string;
  vars: Record<string, unknown>;
}

const PAIRWISE_PROMPT: GraderPromptKind = {
  configKey: "pairwiseJudgePrompt",
  shippedId: "llm-judge-pairwise",
  label: "pairwise judge prompt",
  sample: { rubric: "rubric", first: "first", second: "second", vars: {} } satisfies PairwiseInput,
};

/**
 * The pairwise judge prompt of a project: config `pairwiseJudgePrompt`, else the shipped one,
 * checked before any request so a broken one stops the run at once rather than turn every
 * comparison into an error.
 */
export function loadPairwisePrompt(config: ProjectConfig): JudgePrompt {
  return loadGraderPrompt(config, PAIRWISE_PROMPT);
}

/** The request that asks a judge which of two outputs meets the rubric better. */
export const pairwiseRequest: (prompt: JudgePrompt, input: PairwiseInput) => CallRequest = graderRequest;
