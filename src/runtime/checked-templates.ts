import { PromptOpsError } from "../errors.js";
import type { CompiledPrompt } from "../prompt/prompt-file.js";
import { compilePromptTemplates, type PromptTemplates, type TemplateStore } from "../prompt/render.js";

/**
 * A lockfile is untrusted input: an entry can be forged with a correct hash. Its templates are
 * compiled and checked here, once, so that a template that could run code refuses the whole
 * lockfile before anything in it is evaluated.
 */
export function checkedTemplates(
  id: string,
  version: number,
  compiled: CompiledPrompt,
  file: string,
  store: TemplateStore,
): PromptTemplates {
  try {
    return compilePromptTemplates(`${id}@${version}`, compiled, store);
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    throw new PromptOpsError(error.code, `lockfile prompt ${error.message}`, {
      exitCode: 1,
      location: { file },
      hint: "this lockfile entry was not made by promptops lock from a valid prompt: do not load it",
    });
  }
}
