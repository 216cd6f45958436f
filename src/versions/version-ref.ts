import { PromptOpsError } from "../errors.js";

/** Which version of a prompt a command works on, as the user named it. */
export type VersionRef =
  | { kind: "draft" }
  | { kind: "published"; version: number }
  /** What the environment runs: the content its lockfile holds. */
  | { kind: "env"; env: string };

/** `draft`, `v3`, `3` or `env:<environment>`: the one parser of a version as the user writes it. */
export function parseVersionRef(text: string): VersionRef {
  if (text === "draft") return { kind: "draft" };
  if (text.startsWith("env:")) return { kind: "env", env: text.slice(4) };
  const match = /^v?([1-9]\d*)$/.exec(text);
  if (!match) {
    throw new PromptOpsError("bad-version-ref", `"${text}" is not a version`, {
      exitCode: 2,
      hint: "use v3, 3, draft or env:<environment>",
    });
  }
  return { kind: "published", version: Number(match[1]) };
}
