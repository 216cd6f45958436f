import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfigOrThrow } from "../config/load-config.js";
import { readLockfile } from "../lockfile/lockfile.js";
import type { VariableSchema } from "../prompt/prompt-file.js";
import { checkProject, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { promptTypesSource } from "./prompt-types.js";

export interface GeneratedTypes {
  /** "promptops.lock" or "the prompt drafts". */
  source: string;
  text: string;
  /** Where config `types` says the file lives, relative to the project root (default promptops.d.ts). */
  out: string;
}

/** From the lockfile when there is one (what applications are served), else from the drafts. */
export async function generateTypes(options: { cwd: string; drafts?: boolean }): Promise<GeneratedTypes> {
  const config = loadConfigOrThrow(options.cwd);
  const out = config.types ?? "promptops.d.ts";
  const lockfile = join(config.root, "promptops.lock");
  const prompts = new Map<string, Record<string, VariableSchema>[]>();
  const add = (id: string, variables: Record<string, VariableSchema> | undefined) => {
    prompts.set(id, [...(prompts.get(id) ?? []), variables ?? {}]);
  };
  if (!options.drafts && existsSync(lockfile)) {
    const locked = await readLockfile(lockfile);
    for (const entries of Object.values(locked.environments)) {
      for (const [id, entry] of Object.entries(entries)) add(id, locked.prompts[entry.hash]?.variables);
    }
    return { source: "promptops.lock", text: promptTypesSource(prompts, "promptops.lock"), out };
  }
  const run = checkProject(config);
  refuseInvalidPrompts(run.prompts, "generate types for");
  for (const prompt of run.prompts) add(prompt.id, prompt.result!.compiled.variables);
  return { source: "the prompt drafts", text: promptTypesSource(prompts, "the prompt drafts"), out };
}
