import { relative, sep } from "node:path";

export const PROMPT_FILE_SUFFIX = ".prompt.yaml";

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
// A segment like "v3" would make `prompt/a/v3/v1` ambiguous with version tags.
const VERSION_LIKE = /^v\d+$/;

/** `prompts/billing/refund.prompt.yaml` -> `billing/refund`. */
export function promptIdFromFile(promptsDir: string, file: string): string {
  return relative(promptsDir, file).split(sep).join("/").slice(0, -PROMPT_FILE_SUFFIX.length);
}

/** Why an id cannot be used, or undefined when it is fine. */
export function promptIdProblem(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) {
    return `prompt id "${id}" is invalid: use lowercase letters, digits, ".", "_" and "-", with "/" between folders`;
  }
  const versionLike = id.split("/").find((segment) => VERSION_LIKE.test(segment));
  if (versionLike) return `prompt id "${id}" has a segment "${versionLike}" that looks like a version`;
  return undefined;
}
