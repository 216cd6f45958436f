import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readLockfileText } from "../lockfile/read-lockfile-text.js";
import { watchDirectoryEntry } from "../runtime/watch-directory-entry.js";
import { prepareServedLockfile, type ServedLockfile } from "./served-lockfile.js";

export interface LockfileServerOptions {
  /** Absolute path of the lockfile to serve. */
  lockfile: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When set, `/v1/lockfile` needs `Authorization: Bearer <token>`. */
  token?: string;
  /** How long `close()` lets requests in flight finish before it drops their connections. */
  drainMs?: number;
  onEvent?: (event: ServeEvent) => void;
}

export type ServeEvent =
  | { kind: "reloaded"; environments: number; prompts: number }
  /** A changed lockfile that was refused: the last good one is still served. */
  | { kind: "rejected"; error: Error };

export interface LockfileServer {
  /** e.g. http://127.0.0.1:7070 */
  url: string;
  environments: number;
  prompts: number;
  /** Stops accepting, lets requests in flight finish (up to drainMs), stops watching. */
  close(): Promise<void>;
}

const MISSING_HINT = "activate a version first (promptops activate <id>@<N> --env <env>), or pass --lockfile";

/** Serves a lockfile read-only over HTTP (DESIGN.md section 7); refuses to start on a broken one. */
export async function startLockfileServer(options: LockfileServerOptions): Promise<LockfileServer> {
  const { lockfile: file } = options;
  const first = await readLockfileText(file, MISSING_HINT);
  let served = prepareServedLockfile(first.text, file);
  let servedText = first.text;
  // The last text looked at, good or bad, so that one broken file is reported once.
  let seenText = first.text;

  const reload = async () => {
    let text: string;
    try {
      ({ text } = await readLockfileText(file, MISSING_HINT));
    } catch (error) {
      // A missing file mid-replace, or a bad one: keep the last good and say why, once per content.
      if (seenText !== "") options.onEvent?.({ kind: "rejected", error: error as Error });
      seenText = "";
      return;
    }
    if (text === seenText || text === servedText) {
      seenText = text;
      return;
    }
    seenText = text;
    try {
      served = prepareServedLockfile(text, file);
      servedText = text;
    } catch (error) {
      options.onEvent?.({ kind: "rejected", error: error as Error });
      return;
    }
    options.onEvent?.({ kind: "reloaded", environments: served.environments, prompts: served.prompts });
  };
  const watcher = watchDirectoryEntry(
    file,
    () => reload(),
    (error) => options.onEvent?.({ kind: "rejected", error }),
  );

  const authorized = options.token === undefined ? () => true : bearerCheck(options.token);
  const server = createServer((request, response) => {
    answer(request, response, served, authorized);
  });
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    watcher.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    environments: served.environments,
    prompts: served.prompts,
    close: () => {
      watcher.close();
      return new Promise<void>((resolve) => {
        // close() stops accepting and ends idle keep-alive connections; a request in flight ends
        // its connection when answered, and one that takes too long is cut at drainMs.
        const drain = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
        server.close(() => {
          clearTimeout(drain);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON; Node sends none in the answer to a HEAD request, and keeps Content-Length. */
  body?: Buffer;
}

const HEALTHY: Reply = { status: 200, body: Buffer.from('{"ok":true}\n') };

function answer(
  request: IncomingMessage,
  response: ServerResponse,
  served: ServedLockfile,
  authorized: (header: string | undefined) => boolean,
): void {
  const { status, headers = {}, body } = reply(request, served, authorized);
  if (body) {
    headers["Content-Type"] = "application/json; charset=utf-8";
    headers["Content-Length"] = String(body.length);
  }
  response.writeHead(status, headers);
  response.end(body);
}

function reply(
  request: IncomingMessage,
  served: ServedLockfile,
  authorized: (header: string | undefined) => boolean,
): Reply {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") {
    return failure(
      405,
      "method-not-allowed",
      `${method} is not served: this server is read-only`,
      undefined,
      {
        Allow: "GET, HEAD",
      },
    );
  }
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (path === "/healthz") return HEALTHY;
  if (path !== "/v1/lockfile") {
    return failure(404, "not-found", `no such path: ${path}`, "GET /v1/lockfile or /v1/lockfile?env=E");
  }
  if (!authorized(request.headers.authorization)) {
    return failure(401, "unauthorized", "a bearer token is required", "send Authorization: Bearer <token>", {
      "WWW-Authenticate": 'Bearer realm="promptops"',
    });
  }
  const envs = query === -1 ? [] : new URLSearchParams(url.slice(query + 1)).getAll("env");
  // Two answers would do: the first, the last, both. A client that sends two has a bug to hear about.
  if (envs.length > 1) {
    return failure(
      400,
      "ambiguous-environment",
      `env is given ${envs.length} times (${envs.map((e) => JSON.stringify(e)).join(", ")}): a request asks for one environment`,
      "send ?env=E once, or no env for the whole lockfile",
    );
  }
  const env = envs[0] ?? null;
  const chosen = env === null ? served.whole : served.byEnv.get(env);
  if (!chosen) {
    return failure(
      404,
      "unknown-environment",
      `environment "${env}" is not in the lockfile`,
      `environments in it: ${[...served.byEnv.keys()].join(", ") || "(none)"}`,
    );
  }
  const headers = { ETag: chosen.etag, "Cache-Control": "no-cache" };
  if (matches(request.headers["if-none-match"], chosen.etag)) return { status: 304, headers };
  return { status: 200, headers, body: chosen.body };
}

function failure(
  status: number,
  code: string,
  message: string,
  hint?: string,
  headers?: Record<string, string>,
): Reply {
  const error = { code, message, ...(hint ? { hint } : {}) };
  return { status, headers, body: Buffer.from(`${JSON.stringify({ error })}\n`) };
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/"x"` matches `"x"`; `*` matches any. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    const tag = part.trim();
    if ((tag.startsWith("W/") ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/**
 * Compares digests of equal length in constant time, so neither the token's length nor the place of
 * its first wrong character shows in the response time.
 */
function bearerCheck(token: string): (header: string | undefined) => boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  const expected = digest(`Bearer ${token}`);
  return (header) => header !== undefined && timingSafeEqual(digest(header), expected);
}
