import { parseVersionRef, type VersionRef } from "../versions/version-ref.js";

/**
 * `--version N` or `--env E` as the typed reference the core takes, parsed here once. Empty
 * values mean the flag's absence (the draft), as they always have.
 */
export function versionFromFlags(opts: { version?: string; env?: string }): VersionRef | undefined {
  if (opts.version) return parseVersionRef(opts.version);
  if (opts.env) return { kind: "env", env: opts.env };
  return undefined;
}

/** A positional `v3`, `3`, `draft` or `env:E`, when given. */
export function optionalVersionRef(text: string | undefined): VersionRef | undefined {
  return text === undefined ? undefined : parseVersionRef(text);
}
