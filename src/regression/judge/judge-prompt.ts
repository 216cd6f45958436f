import { join } from "node:path";
import type { ProjectConfig } from "../../config/config.js";
import { PromptOpsError } from "../../errors.js";
import { discoverPromptFiles } from "../../prompt/discover.js";
import type { CompiledPrompt } from "../../prompt/prompt-file.js";
import { checkPrompts } from "../../prompt/prompt-project.js";
import { renderPrompt } from "../../prompt/render.js";
import { selectPrompt } from "../../prompt/select-prompt.js";
import { checkVariables } from "../../prompt/variables.js";
import { packageFile } from "../../startup/package-root.js";
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

const SHIPPED_DIR = packageFile("judges");

/** A grader's prompt: which config key may replace the shipped one, and the variables it gets. */
export interface GraderPromptKind {
  /** The config key naming a project's own prompt: judgePrompt, pairwiseJudgePrompt. */
  configKey: "judgePrompt" | "pairwiseJudgePrompt";
  /** The shipped prompt's id, its file in judges/. */
  shippedId: string;
  /** In messages: "judge prompt". */
  label: string;
  /** Sample values of every variable it is given, to check a project's own prompt takes them. */
  sample: Record<string, unknown>;
}

export const JUDGE_PROMPT: GraderPromptKind = {
  configKey: "judgePrompt",
  shippedId: "llm-judge",
  label: "judge prompt",
  sample: { rubric: "rubric", output: "output", vars: {} } satisfies JudgeInput,
};

/**
 * A grader prompt of a project: the config key's prompt (in promptsDir, its working-tree draft,
 * like the tests that use it), else the one shipped in judges/. One that is invalid or does not
 * take the grader's variables stops the run before any request.
 */
export function loadGraderPrompt(config: ProjectConfig, kind: GraderPromptKind): JudgePrompt {
  const own = config[kind.configKey];
  const dir = own ? config.promptsDir : SHIPPED_DIR;
  const ref = own
    ? selectPrompt(discoverPromptFiles(config.promptsDir), own)
    : { id: kind.shippedId, file: join(SHIPPED_DIR, `${kind.shippedId}.prompt.yaml`) };
  const [checked] = checkPrompts({ ...config, promptsDir: dir }, [ref]).prompts;
  const where = own
    ? `the ${kind.label} "${ref.id}" (config ${kind.configKey})`
    : `the shipped ${kind.label}`;
  if (!checked?.result) {
    const first = checked?.diagnostics.find((d) => d.severity === "error");
    throw new PromptOpsError("judge-prompt-invalid", `${where} is invalid: ${first?.message ?? "?"}`, {
      exitCode: 2,
      ...(first ? { location: first } : {}),
      hint: own ? `run \`promptops validate ${ref.id}\`` : "this is a bug in promptops: please report it",
    });
  }
  const { compiled, hash } = checked.result;
  // Checked with sample values now, so a prompt declaring other variables fails the run at once
  // rather than every graded case one by one.
  const { problems } = checkVariables(compiled.variables ?? {}, { ...kind.sample });
  if (problems.length > 0) {
    const names = Object.keys(kind.sample);
    throw new PromptOpsError(
      "judge-prompt-variables",
      `${where} must take the variables ${names.slice(0, -1).join(", ")} and ${names.at(-1)}: ${problems.map((p) => p.message).join("; ")}`,
      {
        exitCode: 2,
        hint: `declare them, e.g. ${names.map((name) => `${name}: { type: ${typeof kind.sample[name] === "string" ? "string" : "object"} }`).join(", ")}`,
      },
    );
  }
  return { id: ref.id, hash, compiled };
}

/** The judge prompt of a project: config `judgePrompt`, else the shipped llm-judge prompt. */
export function loadJudgePrompt(config: ProjectConfig): JudgePrompt {
  return loadGraderPrompt(config, JUDGE_PROMPT);
}

/** The request that asks a judge for one judgment. */
export const judgeRequest: (prompt: JudgePrompt, input: JudgeInput) => CallRequest = graderRequest;

/** A grader prompt rendered with its input, with the prompt's own model params and response format. */
export function graderRequest(prompt: JudgePrompt, input: object): CallRequest {
  const { compiled } = prompt;
  return {
    messages: renderPrompt(prompt.id, compiled, { ...input }),
    params: { ...(compiled.model?.params ?? {}) },
    ...(compiled.response_format ? { responseFormat: compiled.response_format } : {}),
  };
}
