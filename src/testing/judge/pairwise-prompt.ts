import { fileURLToPath } from "node:url";
import type { ProjectConfig } from "../../config/config.js";
import { PromptOpsError } from "../../errors.js";
import { checkPrompts } from "../../prompt/prompt-project.js";
import { renderPrompt } from "../../prompt/render.js";
import type { CallRequest } from "../provider-caller.js";
import type { JudgePrompt } from "./judge-prompt.js";

/** What the pairwise judge prompt is given: the rubric, the two outputs in the order asked, the inputs. */
export interface PairwiseInput {
  rubric: string;
  first: string;
  second: string;
  vars: Record<string, unknown>;
}

// From src/testing/judge/ and dist/testing/judge/ alike: the package root's judges/ folder.
const SHIPPED_DIR = fileURLToPath(new URL("../../../judges/", import.meta.url));
const PAIRWISE_ID = "llm-judge-pairwise";

/**
 * The shipped pairwise judge prompt, checked before any request so a broken install stops the run
 * at once rather than turn every comparison into an error.
 */
export function loadPairwisePrompt(config: ProjectConfig): JudgePrompt {
  const ref = { id: PAIRWISE_ID, file: `${SHIPPED_DIR}${PAIRWISE_ID}.prompt.yaml` };
  const [checked] = checkPrompts({ ...config, promptsDir: SHIPPED_DIR }, [ref]).prompts;
  if (!checked?.result) {
    const first = checked?.diagnostics.find((d) => d.severity === "error");
    throw new PromptOpsError(
      "judge-prompt-invalid",
      `the shipped pairwise judge prompt is invalid: ${first?.message ?? "?"}`,
      {
        exitCode: 2,
        ...(first ? { location: first } : {}),
        hint: "this is a bug in promptops: please report it",
      },
    );
  }
  return { id: PAIRWISE_ID, hash: checked.result.hash, compiled: checked.result.compiled };
}

/** The request that asks a judge which of two outputs meets the rubric better. */
export function pairwiseRequest(prompt: JudgePrompt, input: PairwiseInput): CallRequest {
  const { compiled } = prompt;
  return {
    messages: renderPrompt(prompt.id, compiled, { ...input }),
    params: { ...(compiled.model?.params ?? {}) },
    ...(compiled.response_format ? { responseFormat: compiled.response_format } : {}),
  };
}
