import { resolve } from "node:path";
import { PromptOpsError } from "../errors.js";
import { type LockfileText, readLockfileText } from "../lockfile/read-lockfile-text.js";
import { displayUrl, fetchLockfile, KEPT_AND_RETRIED } from "./fetch-lockfile.js";
import { type PollSchedule, pollOnSchedule } from "./poll-schedule.js";

/** Where the lockfile being served came from. */
export type LoadedFrom = "file" | "url" | "fallback";

/** The runtime's one gate: checks a candidate lockfile and swaps it in, or throws and changes nothing. */
export type AcceptLockfile = (candidate: LockfileText, origin: string, from: LoadedFrom) => void;

export interface UrlSourceOptions {
  url: string;
  headers: Readonly<Record<string, string>>;
  pollMs: number;
  timeoutMs: number;
  maxBytes: number;
  /** A lockfile file to serve when the URL cannot be used at start-up. */
  fallback: string | undefined;
  accept: AcceptLockfile;
  onError: (error: Error) => void;
}

/**
 * Loads the lockfile from a URL, or from the fallback file when the URL cannot be used at start-up
 * (saying so through onError), then polls the URL with If-None-Match. A body is handed to `accept`
 * only once: an unchanged one answers 304 (or is the same text), and one that was refused stays
 * refused, without being reported again, until the server sends another.
 */
export async function loadFromUrl(options: UrlSourceOptions): Promise<PollSchedule> {
  const { url } = options;
  // The ETag and text of the last body looked at, accepted or refused.
  let etag: string | undefined;
  let seen: string | undefined;
  let refused = false;
  let reported: string | undefined;
  // A request in flight when the registry is closed must not swap anything in afterwards.
  let closed = false;

  /** True when the URL's lockfile is served now; false when the one it sends is still the refused one. */
  const check = async (): Promise<boolean> => {
    const fetched = await fetchLockfile(url, { ...options, etag });
    if (closed) return true;
    if (fetched.status === "not-modified") return !refused;
    etag = fetched.etag;
    if (fetched.text === seen) return !refused;
    seen = fetched.text;
    refused = true;
    try {
      options.accept({ text: fetched.text, signature: etag ?? "" }, displayUrl(url), "url");
    } catch (error) {
      throw unsignedPart(error, url);
    }
    refused = false;
    return true;
  };
  const attempt = async (): Promise<boolean> => {
    try {
      const ok = await check();
      if (ok) reported = undefined;
      return ok;
    } catch (error) {
      // One report per problem, not one per retry of an outage.
      const key = `${(error as PromptOpsError).code}:${(error as Error).message}`;
      if (key !== reported) options.onError(error as Error);
      reported = key;
      return false;
    }
  };

  const closing = (schedule: PollSchedule): PollSchedule => ({
    close() {
      closed = true;
      schedule.close();
    },
  });
  try {
    await check();
    return closing(pollOnSchedule(options.pollMs, attempt));
  } catch (error) {
    if (!options.fallback) throw atStartUp(error);
    const fallback = resolve(options.fallback);
    const why = error as Error;
    try {
      options.accept(
        await readLockfileText(
          fallback,
          "ship a lockfile with the app to use while the URL cannot be reached",
        ),
        fallback,
        "fallback",
      );
    } catch (fallbackError) {
      // Both ways failed: the error names both, the URL's first, as it is the one to fix.
      const cause = fallbackError as PromptOpsError;
      throw new PromptOpsError(
        cause.code ?? "lockfile-fetch-failed",
        `${why.message}, and the fallback cannot be used: ${cause.message}`,
        {
          location: cause.location,
          hint: cause.hint,
          cause: why,
        },
      );
    }
    options.onError(
      new PromptOpsError(
        why instanceof PromptOpsError ? why.code : "lockfile-fetch-failed",
        `${why.message}; serving the fallback ${fallback} until the URL sends a good lockfile`,
        { hint: why instanceof PromptOpsError ? why.hint : undefined, cause: why },
      ),
    );
    reported = `${(why as PromptOpsError).code}:${why.message}`;
    return closing(pollOnSchedule(options.pollMs, attempt, 1));
  }
}

/** At start-up nothing is kept yet: a hint about a last good lockfile would mislead. */
function atStartUp(error: unknown): unknown {
  if (!(error instanceof PromptOpsError) || !error.hint?.includes(KEPT_AND_RETRIED)) return error;
  const hint = error.hint.replace(
    KEPT_AND_RETRIED,
    "with no lockfile yet, loadPrompts cannot start: give `fallback` (a lockfile shipped with the app) to start while the URL is down",
  );
  return new PromptOpsError(error.code, error.message, {
    hint,
    location: error.location,
    cause: error.cause,
  });
}

/**
 * `promptops serve` answers `?env=E` with that environment's part of the lockfile, which its
 * signature does not cover: the fix is the URL, not signing again.
 */
function unsignedPart(error: unknown, url: string): unknown {
  if (!(error instanceof PromptOpsError) || error.code !== "lockfile-unsigned") return error;
  if (!URL.canParse(url) || !new URL(url).searchParams.has("env")) return error;
  return new PromptOpsError(error.code, `${error.message} (the URL asks for one environment, ?env=)`, {
    hint: "a signature covers the whole lockfile, and ?env= serves a part of it without one: point `url` at the whole file (e.g. /v1/lockfile without ?env=); the application picks its environment out of it",
    location: error.location,
    cause: error.cause,
  });
}
