import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { DEFAULT_MAX_REPLY_BYTES, ReplyBuffer, ReplyTooLargeError } from "./reply-limit.js";

/**
 * The `fetch` we hand the provider SDKs: node:http with keep-alive agents, the reply read into one
 * buffer. The SDKs send one JSON body and read one JSON reply, so the web streams, per-request
 * AbortSignal plumbing and header validation of Node's built-in fetch (undici) buy nothing here,
 * yet cost ~2 ms of CPU a request (SDK included) on a small machine, against ~1.3 ms this way:
 * CPU per case and, with 16 replies landing at once, wall time (bench/test-throughput.mjs).
 *
 * Fetch semantics the SDKs rely on are kept: the promise resolves when the headers arrive; a body
 * cut off before its end rejects the body read with TypeError("terminated") as undici does; an
 * abort rejects with an AbortError; a failed connection rejects with TypeError("fetch failed") and
 * the socket error as its cause; gzip/deflate/br bodies are decoded. Anything but a string or
 * bytes as a request body (streams, forms) goes to the built-in fetch, which handles those, and so
 * does every request when Node is told to use the proxy of HTTP(S)_PROXY: its fetch honours that
 * setting on every version that has it, custom http agents not on all of them.
 *
 * On both paths a body is read up to `maxReplyBytes` after decoding: past that the read rejects
 * with a ReplyTooLargeError, what was read is dropped and so is the connection.
 */
export function createHttpFetch(options: { maxReplyBytes?: number | undefined } = {}): typeof fetch {
  const limit = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  return (input, init) => {
    const body = init?.body;
    const plainBody =
      body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
    if (input instanceof Request || !plainBody || usesEnvProxy())
      return fetch(input, init).then((response) => cappedResponse(response, limit));
    return send(new URL(String(input)), init ?? {}, body ?? undefined, MAX_REDIRECTS, limit);
  };
}

/** With the default reply limit. */
export const httpFetch: typeof fetch = createHttpFetch();

const MAX_REDIRECTS = 5;
// One pool per protocol for the process: every case of a run reuses the same few sockets.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

function send(
  url: URL,
  init: RequestInit,
  body: string | Uint8Array | undefined,
  redirectsLeft: number,
  limit: number,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent)
    return Promise.reject(
      new TypeError("fetch failed", { cause: new Error(`unsupported URL ${url.protocol}`) }),
    );
  const request = (url.protocol === "https:" ? https : http).request(url, {
    method: init.method ?? "GET",
    headers: plainHeaders(init.headers),
    agent,
  });
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => request.destroy(abortReason(signal!) as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    // `on`: an error after the response (its socket destroyed at the reply limit) must not throw.
    request.on("error", (error) => {
      done();
      reject(signal?.aborted ? abortReason(signal) : new TypeError("fetch failed", { cause: error }));
    });
    request.once("response", (incoming) => {
      const status = incoming.statusCode ?? 0;
      const location = incoming.headers.location;
      // 307/308 keep the method and body, so an API call survives them; others change a POST to a
      // GET, which no API call means, and are handed back for the SDK to report.
      if ((status === 307 || status === 308) && location && redirectsLeft > 0) {
        incoming.resume();
        done();
        resolve(send(new URL(location, url), init, body, redirectsLeft - 1, limit));
        return;
      }
      const text = readBody(incoming, signal, limit);
      text.then(done, done);
      resolve(bufferedResponse(text, status, incoming.statusMessage ?? "", responseHeaders(incoming)));
    });
    request.end(body);
  });
}

function readBody(
  incoming: http.IncomingMessage,
  signal: AbortSignal | undefined,
  limit: number,
): Promise<string> {
  const encoding = String(incoming.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  const announced = announcedSize(incoming.headers["content-length"], encoding, limit);
  if (announced) {
    incoming.destroy();
    return Promise.reject(announced);
  }
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  return new Promise<string>((resolve, reject) => {
    const buffer = new ReplyBuffer(limit);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(signal?.aborted ? abortReason(signal) : new TypeError("terminated", { cause: error }));
    };
    const source = decoder ? incoming.pipe(decoder) : incoming;
    // `on`, not `once`: a second error after the first (a socket destroyed mid-inflate) must not
    // be thrown from the emitter, which would end the whole run.
    incoming.on("error", fail);
    decoder?.on("error", fail);
    // A socket that closes before the body's end does not always make an error on the message.
    incoming.once("close", () => {
      if (!incoming.complete) fail(Object.assign(new Error("other side closed"), { code: "ECONNRESET" }));
    });
    source.on("data", (chunk: Buffer) => {
      if (settled || buffer.add(chunk)) return;
      // Over the limit: stop reading (for a gzip bomb, stop inflating) and let the socket go.
      settled = true;
      reject(new ReplyTooLargeError(limit));
      decoder?.destroy();
      incoming.destroy();
    });
    source.once("end", () => {
      if (settled) return;
      settled = true;
      resolve(buffer.text());
    });
  });
}

/**
 * A fetch Response whose body was read off the socket as one string: no body stream (the SDKs only
 * call text() or json()), and json() parses the string directly.
 */
function bufferedResponse(
  text: Promise<string>,
  status: number,
  statusText: string,
  headers: Headers,
): Response {
  const response = new Response(null, { status, statusText, headers });
  // A caller that drops the response (the SDKs skip bodies they do not need) must not leave an
  // unhandled rejection behind.
  text.catch(() => {});
  return Object.assign(response, {
    text: () => text,
    json: async () => JSON.parse(await text),
    arrayBuffer: async () => {
      const bytes = Buffer.from(await text, "utf8");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  });
}

/** Node's own fetch's reply, its (already decoded) body read the same way, up to the limit. */
function cappedResponse(response: Response, limit: number): Response {
  const encoding = (response.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const announced = announcedSize(response.headers.get("content-length") ?? undefined, encoding, limit);
  const text = announced
    ? (response.body?.cancel().then(() => Promise.reject(announced)) ?? Promise.reject(announced))
    : readStream(response.body, limit);
  return bufferedResponse(text, response.status, response.statusText, response.headers);
}

async function readStream(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const buffer = new ReplyBuffer(limit);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return buffer.text();
    if (!buffer.add(value)) {
      await reader.cancel().catch(() => undefined);
      throw new ReplyTooLargeError(limit);
    }
  }
}

/** A plain body whose Content-Length is already over the limit: refused before reading a byte. */
function announcedSize(
  contentLength: string | undefined,
  encoding: string,
  limit: number,
): ReplyTooLargeError | undefined {
  // An encoded body's length says nothing of its decoded size: those are counted as they inflate.
  if (encoding !== "" && encoding !== "identity") return undefined;
  const size = Number(contentLength);
  return contentLength && Number.isSafeInteger(size) && size > limit
    ? new ReplyTooLargeError(limit, size)
    : undefined;
}

function responseHeaders(incoming: http.IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

function plainHeaders(init: RequestInit["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!init) return headers;
  // The SDKs pass a Headers; anything else is normalised the way fetch would.
  for (const [name, value] of init instanceof Headers ? init : new Headers(init)) headers[name] = value;
  return headers;
}

function usesEnvProxy(): boolean {
  return (
    process.env.NODE_USE_ENV_PROXY === "1" ||
    process.execArgv.includes("--use-env-proxy") ||
    /(^|\s)--use-env-proxy(\s|$)/.test(process.env.NODE_OPTIONS ?? "")
  );
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
