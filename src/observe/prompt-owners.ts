import type { ProjectConfig } from "../config/config.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { loadPrompt } from "../prompt/load-prompt.js";

/** Who a prompt's spend goes to when it names no owner (or its file is gone). */
export const NO_OWNER = "(no owner)";

/** Each prompt's `owners:` from its file in the working tree; an invalid file still gives its owners. */
export function promptOwners(config: ProjectConfig): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const ref of discoverPromptFiles(config.promptsDir)) {
    const loaded = loadPrompt(ref);
    const listed = (loaded.prompt ?? loaded.salvaged)?.owners;
    const names = Array.isArray(listed) ? [...new Set(listed.filter((o) => typeof o === "string"))] : [];
    if (names.length > 0) owners.set(ref.id, names);
  }
  return owners;
}
