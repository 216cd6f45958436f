import { PromptOpsError } from "../errors.js";
import { closeMatches } from "../schemas/did-you-mean.js";
import type { PromptFileRef } from "./discover.js";

/** Finds a prompt by id; an unknown id is a usage error that lists close matches. */
export function selectPrompt(refs: readonly PromptFileRef[], id: string): PromptFileRef {
  const normalised = id.replace(/\.prompt\.yaml$/, "").replace(/^\.?\/?(prompts\/)?/, "");
  const found = refs.find((ref) => ref.id === id) ?? refs.find((ref) => ref.id === normalised);
  if (found) return found;
  const similar = closeMatches(
    id,
    refs.map((ref) => ref.id),
  );
  throw new PromptOpsError("unknown-prompt", `unknown prompt "${id}"`, {
    exitCode: 2,
    hint:
      similar.length > 0
        ? `did you mean ${similar.map((s) => `"${s}"`).join(", ")}?`
        : refs.length > 0
          ? "run `promptops status` to list prompts"
          : "no prompts found: prompt files are named <id>.prompt.yaml under promptsDir",
  });
}
