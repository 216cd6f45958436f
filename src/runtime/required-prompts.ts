import { PromptOpsError } from "../errors.js";

/**
 * A lockfile has no project name: what makes it this application's is that it serves the prompts the
 * application renders. One that lacks any of them (another project's, a wrong URL or bucket path)
 * is refused before it could turn every render of those prompts into an error.
 */
export function requirePrompts(
  served: ReadonlyMap<string, unknown>,
  required: Iterable<string> | undefined,
  origin: string,
  env: string,
): void {
  if (!required) return;
  const missing = [...required].filter((id) => !served.has(id)).sort();
  if (missing.length === 0) return;
  const listed =
    missing.length > 5
      ? `${missing.slice(0, 5).join(", ")}, … (${missing.length - 5} more)`
      : missing.join(", ");
  throw new PromptOpsError(
    "lockfile-wrong-project",
    `the lockfile does not serve ${listed} in environment "${env}": is it another project's?`,
    {
      location: { file: origin },
      hint: "check the URL or file; the last good lockfile is kept. List the prompts the application renders in `expectedPrompts`",
    },
  );
}
