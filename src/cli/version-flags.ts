import { parseVersionRef, type VersionRef } from "../versions/version-ref.js";

/**
 * `--version N` or `--env E` as the typed reference the core takes, parsed here once (by the
 * command, so --help does not load the parser). `--version` wins over `--env`; an empty value
 * means the draft, as it always has.
 */
export function versionFromFlags(opts: { version?: string; env?: string }): VersionRef | undefined {
  if (opts.version !== undefined) return opts.version === "" ? undefined : parseVersionRef(opts.version);
  return opts.env ? { kind: "env", env: opts.env } : undefined;
}

/** A positional `v3`, `3`, `draft` or `env:E`, when given. */
export function optionalVersionRef(text: string | undefined): VersionRef | undefined {
  return text === undefined ? undefined : parseVersionRef(text);
}
