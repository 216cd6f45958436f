import { PromptOpsError } from "../errors.js";

export interface FetchLockfileOptions {
  /** The ETag of the last body seen: an unchanged lockfile answers 304 and is not sent again. */
  etag: string | undefined;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  maxBytes: number;
}

export type FetchedLockfile =
  | { status: "not-modified" }
  | { status: "fetched"; text: string; etag: string | undefined };

/**
 * One GET of a lockfile URL with the global fetch. Every way it can go wrong is a PromptOpsError
 * with a code and a hint, and none can hang: the request and the reading of its body share one
 * deadline, and a body larger than `maxBytes` is refused while it arrives, not after.
 */
export async function fetchLockfile(url: string, options: FetchLockfileOptions): Promise<FetchedLockfile> {
  const where = displayUrl(url);
  // Held by this frame until the body is read: the deadline covers the body too.
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.etag) headers["if-none-match"] = options.etag;
    const response = await fetch(url, { headers, signal });
    if (response.status === 304 && options.etag) {
      await response.body?.cancel();
      return { status: "not-modified" };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw fetchFailed(
        `${where} answered ${response.status} ${response.statusText}`.trim(),
        statusHint(response.status),
      );
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      throw tooLarge(where, options.maxBytes);
    }
    const text = await readAtMost(response, options.maxBytes, where);
    return { status: "fetched", text, etag: response.headers.get("etag") ?? undefined };
  } catch (error) {
    if (error instanceof PromptOpsError) throw error;
    if (signal.aborted) {
      throw fetchFailed(
        `${where} did not answer within ${options.timeoutMs} ms`,
        `the server or the network is slow or down; ${KEPT_AND_RETRIED}`,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    throw fetchFailed(
      detail === "terminated" || (error as Error).message === "terminated"
        ? `${where}: the connection closed before the whole lockfile arrived`
        : `cannot fetch ${where}: ${detail}`,
      `${KEPT_AND_RETRIED}; check that the URL is reachable from here`,
    );
  }
}

async function readAtMost(response: Response, maxBytes: number, where: string): Promise<string> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge(where, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length).toString("utf8");
}

/** The URL without credentials or query, which can hold secrets (a presigned URL's signature). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "the lockfile URL";
  }
}

/** What a failed poll does; at start-up there is no last good lockfile yet (url-source says so). */
export const KEPT_AND_RETRIED = "the last good lockfile is kept and the URL retried with backoff";

function statusHint(status: number): string {
  if (status === 401 || status === 403)
    return "check the credentials sent in `headers` (e.g. a bearer token)";
  if (status === 404) return "check the URL (and ?env=: the environment must be in the served lockfile)";
  return KEPT_AND_RETRIED;
}

function fetchFailed(message: string, hint: string): PromptOpsError {
  return new PromptOpsError("lockfile-fetch-failed", message, { hint });
}

function tooLarge(where: string, maxBytes: number): PromptOpsError {
  return new PromptOpsError("lockfile-too-large", `${where} sent more than ${maxBytes} bytes`, {
    hint: "a lockfile holds only the versions environments point at; check what the URL serves (or raise maxBytes)",
  });
}
