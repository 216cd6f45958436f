import { fileURLToPath } from "node:url";
import type { ProjectConfig } from "../../config/config.js";
import { PromptOpsError } from "../../errors.js";
import { discoverPromptFiles } from "../../prompt/discover.js";
import type { CompiledPrompt } from "../../prompt/prompt-file.js";
import { checkPrompts } from "../../prompt/prompt-project.js";
import { renderPrompt } from "../../prompt/render.js";
import { selectPrompt } from "../../prompt/select-prompt.js";
import { checkVariables } from "../../prompt/variables.js";
import type { CallRequest } from "../provider-caller.js";

/** What a judge prompt is given: the same three variables for the shipped prompt and a user's own. */
export interface JudgeInput {
  rubric: string;
  output: string;
  vars: Record<string, unknown>;
}

export interface JudgePrompt {
  /** "llm-judge" for the shipped prompt, else the configured `judgePrompt` id. */
  id: string;
  hash: string;
  compiled: CompiledPrompt;
}

// From src/testing/judge/ and dist/testing/judge/ alike: the package root's judges/ folder.
const SHIPPED_DIR = fileURLToPath(new URL("../../../judges/", import.meta.url));
const SHIPPED_ID = "llm-judge";

/**
 * The judge prompt of a project: config `judgePrompt` (a prompt in promptsDir, its working-tree
 * draft, like the tests that use it), else the one shipped in judges/. A judge prompt that is
 * invalid or does not take rubric, output and vars stops the run before any request.
 */
export function loadJudgePrompt(config: ProjectConfig): JudgePrompt {
  const own = config.judgePrompt;
  const dir = own ? config.promptsDir : SHIPPED_DIR;
  const ref = own
    ? selectPrompt(discoverPromptFiles(config.promptsDir), own)
    : { id: SHIPPED_ID, file: `${SHIPPED_DIR}${SHIPPED_ID}.prompt.yaml` };
  const [checked] = checkPrompts({ ...config, promptsDir: dir }, [ref]).prompts;
  const where = own ? `the judge prompt "${ref.id}" (config judgePrompt)` : "the shipped judge prompt";
  if (!checked?.result) {
    const first = checked?.diagnostics.find((d) => d.severity === "error");
    throw new PromptOpsError("judge-prompt-invalid", `${where} is invalid: ${first?.message ?? "?"}`, {
      exitCode: 2,
      ...(first ? { location: first } : {}),
      hint: own ? `run \`promptops validate ${ref.id}\`` : "this is a bug in promptops: please report it",
    });
  }
  const { compiled, hash } = checked.result;
  // Checked with sample values now, so a judge prompt declaring other variables fails the run at
  // once rather than every judged case one by one.
  const sample: JudgeInput = { rubric: "rubric", output: "output", vars: {} };
  const { problems } = checkVariables(compiled.variables ?? {}, { ...sample });
  if (problems.length > 0) {
    throw new PromptOpsError(
      "judge-prompt-variables",
      `${where} must take the variables rubric, output and vars: ${problems.map((p) => p.message).join("; ")}`,
      {
        exitCode: 2,
        hint: "declare them, e.g. rubric: { type: string }, output: { type: string }, vars: { type: object }",
      },
    );
  }
  return { id: ref.id, hash, compiled };
}

/** The request that asks a judge for one judgment. */
export function judgeRequest(prompt: JudgePrompt, input: JudgeInput): CallRequest {
  const { compiled } = prompt;
  return {
    messages: renderPrompt(prompt.id, compiled, { ...input }),
    params: { ...(compiled.model?.params ?? {}) },
    ...(compiled.response_format ? { responseFormat: compiled.response_format } : {}),
  };
}
