import { resolve } from "node:path";
import { PromptOpsError } from "../errors.js";
import { MAX_LOCKFILE_BYTES } from "../lockfile/read-lockfile-text.js";
import type { UrlSourceOptions } from "./url-source.js";

/** The options of loadPrompts that say where the lockfile comes from. */
export interface SourceOptions {
  /** Path to promptops.lock, relative to the current directory. Give this or `url`. */
  lockfile?: string;
  /**
   * Where to fetch the lockfile from: `promptops serve` (`…/v1/lockfile?env=production`) or any
   * static host. Polled every `pollMs` with If-None-Match; a new lockfile is served only once it
   * passed every check the file would. Give this or `lockfile`.
   */
  url?: string;
  /** Reload when the lockfile changes (activate, rollback, a deploy replacing it), without a restart. */
  watch?: boolean;
  /** With `url`: how often to ask for a new lockfile. Default 5000 ms. */
  pollMs?: number;
  /** With `url`: a lockfile file served while the URL cannot be used at start-up. */
  fallback?: string;
  /** With `url`: headers sent with every request, e.g. `{ authorization: "Bearer …" }`. */
  headers?: Readonly<Record<string, string>>;
  /** With `url`: the deadline of one request, body included. Default 5000 ms. */
  timeoutMs?: number;
  /** With `url`: the largest body accepted. Default 32 MiB, as for a file. */
  maxBytes?: number;
}

export type LockfileSource =
  | { kind: "file"; file: string; watch: boolean }
  | ({ kind: "url" } & Omit<UrlSourceOptions, "accept" | "onError">);

/** Checks the source options before anything is read, so a typo is one clear error at start-up. */
export function lockfileSource(options: SourceOptions): LockfileSource {
  const { lockfile, url } = options;
  if ((lockfile === undefined) === (url === undefined)) {
    throw invalid(
      lockfile === undefined
        ? "loadPrompts needs `lockfile` or `url`"
        : "loadPrompts takes `lockfile` or `url`, not both",
      "lockfile: a file shipped with the app; url: `promptops serve` or a static host, with an optional `fallback` file",
    );
  }
  if (lockfile !== undefined) {
    for (const key of ["pollMs", "fallback", "headers", "timeoutMs", "maxBytes"] as const) {
      if (options[key] !== undefined) throw invalid(`\`${key}\` applies to \`url\`, not to \`lockfile\``);
    }
    return { kind: "file", file: resolve(lockfile), watch: options.watch === true };
  }
  if (options.watch !== undefined) {
    throw invalid("`watch` applies to `lockfile`: a `url` is polled every `pollMs`");
  }
  let protocol: string | undefined;
  try {
    protocol = new URL(url!).protocol;
  } catch {}
  if (protocol !== "http:" && protocol !== "https:") {
    throw invalid(
      `url "${url}" is not an http(s) URL`,
      "e.g. https://prompts.internal/v1/lockfile?env=production",
    );
  }
  return {
    kind: "url",
    url: url!,
    pollMs: milliseconds("pollMs", options.pollMs, 5000),
    timeoutMs: milliseconds("timeoutMs", options.timeoutMs, 5000),
    maxBytes: options.maxBytes ?? MAX_LOCKFILE_BYTES,
    headers: options.headers ?? {},
    fallback: options.fallback,
  };
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 10 || value > 86_400_000) {
    throw invalid(`\`${name}\` must be a whole number of milliseconds from 10 to 86400000, got ${value}`);
  }
  return value;
}

function invalid(message: string, hint?: string): PromptOpsError {
  return new PromptOpsError("runtime-options-invalid", message, { hint });
}
