import { loadConfigOrThrow } from "../config/load-config.js";
import { discoverPromptFiles } from "./discover.js";
import type { CompiledPrompt } from "./prompt-file.js";
import { checkPrompts, refuseInvalidPrompts } from "./prompt-project.js";
import { type RenderedMessage, renderPrompt } from "./render.js";
import { selectPrompt } from "./select-prompt.js";
import { applyVarAssignments } from "./var-assignments.js";

export interface RenderDraftOptions {
  cwd: string;
  id: string;
  vars: Record<string, unknown>;
  /** `name=value` strings from `--var`, read according to the declared schemas. */
  assignments?: readonly string[];
}

export interface RenderedPrompt {
  id: string;
  version: "draft";
  hash: string;
  compiled: CompiledPrompt;
  messages: RenderedMessage[];
}

/** Renders the working-tree draft of one prompt; a prompt with errors is refused with the first one. */
export function renderDraft(options: RenderDraftOptions): RenderedPrompt {
  const config = loadConfigOrThrow(options.cwd);
  const ref = selectPrompt(discoverPromptFiles(config.promptsDir), options.id);
  const [checked] = checkPrompts(config, [ref]).prompts;
  if (!checked) throw new Error(`no check result for ${ref.id}`);
  refuseInvalidPrompts([checked], "render");
  const { compiled, hash } = checked.result!;
  const vars = applyVarAssignments({ ...options.vars }, options.assignments ?? [], compiled.variables ?? {});
  return { id: ref.id, version: "draft", hash, compiled, messages: renderPrompt(ref.id, compiled, vars) };
}
