// A stand-in for api.openai.com and api.anthropic.com on 127.0.0.1, faithful enough for the real
// SDKs: their success bodies, their error bodies, and the faults a runner must survive.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline, Readable } from "node:stream";
import { createGzip } from "node:zlib";
import {
  anthropicMessageBody,
  chatCompletionBody,
  embeddingsBody,
  errorBody,
  type FakeApi,
  type FakeReplyParts,
  responsesBody,
  textOf,
} from "./fake-bodies.js";

export type { FakeApi, FakeReplyParts } from "./fake-bodies.js";

export type FakeFault =
  | {
      status: number;
      /** Sent as the `retry-after` header (seconds or an HTTP date). */
      retryAfter?: string;
      /** Sent as the `retry-after-ms` header. */
      retryAfterMs?: string;
      /** Overrides the provider's usual text, error type and (OpenAI) code for this status. */
      message?: string;
      type?: string;
      code?: string;
      /** A body sent as it is instead, e.g. a proxy's HTML error page. */
      body?: string;
      /** More response headers, e.g. x-should-retry. */
      headers?: Record<string, string>;
    }
  /** Never answers; ends only when the client goes away or the server closes. */
  | { hang: true }
  /** Destroys the socket once the request is read: no status line at all. */
  | { reset: true }
  /** 200, JSON content type, a body that is not JSON. */
  | { malformed: true }
  /** 200 with a Content-Length larger than the body, then the connection closes. */
  | { truncated: true }
  /** 200, gzip-encoded: a few KB on the wire per MB inflated, compressed only as the client reads. */
  | { gzipBomb: { inflatedBytes: number } }
  /** 200, chunked, no Content-Length: a body made as the client reads it, never held whole. */
  | { hugeBody: { bytes: number } };

export interface FakeRequest {
  api: FakeApi;
  method: string;
  path: string;
  /** Lower-cased names, as Node gives them (they include the client's key: test-side only). */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the SDK sent, field by field
  body: any;
  /** The body's bytes as text, as sent: what a byte-for-byte comparison of two requests needs. */
  rawBody: string;
  /** Resolves when the server side of this request is over: answered, or the client went away. */
  closed: Promise<void>;
  /** True when the connection closed before a full answer was sent (an abort, a reset, a hang). */
  readonly cut: boolean;
}

/** A reply: the text, or the parts of one. */
export type FakeReply = string | FakeReplyParts;

export type FakeReplyFunction = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeProviderServerOptions {
  /** When set, requests must carry it (`Authorization: Bearer` or `x-api-key`), else 401. */
  apiKey?: string;
  /** Like some proxies do, put the presented key in 401 texts: to test that we redact it. */
  echoKeyInErrors?: boolean;
  reply?: FakeReplyFunction;
  latencyMs?: number;
}

/** A rate limit enforced like a provider does: a token bucket, 429 + how long until the next token. */
export interface FakeRateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: requests that may go at once after a quiet moment (default: one second's worth). */
  burst?: number;
  /**
   * How the wait is said: `retry-after` in whole seconds, rounded up (most APIs), or
   * `retry-after-ms` to the millisecond (OpenAI's, sent with retry-after).
   */
  header: "retry-after" | "retry-after-ms";
}

interface Rule {
  match: (request: FakeRequest) => boolean;
  fault: FakeFault;
  times: number;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

/** By default the reply is the last user message's text: tests read as "what I asked comes back". */
export const echoLastUserMessage: FakeReplyFunction = (request) => {
  const messages: Array<{ role: string; content: unknown }> = request.body?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  return last ? textOf(last.content) : "";
};

export class FakeProviderServer {
  readonly stats = {
    total: 0,
    byPath: {} as Record<string, number>,
    active: 0,
    peakActive: 0,
    /** Requests turned away with 429 by the rate limit. */
    rateLimited: 0,
  };
  /** Every request since the last reset, in arrival order. */
  readonly requests: FakeRequest[] = [];
  reply: FakeReplyFunction;
  latencyMs: number;
  private readonly options: FakeProviderServerOptions;
  private readonly queue: FakeFault[] = [];
  private readonly rules: Rule[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private bucket: { limit: FakeRateLimit; tokens: number; at: number } | undefined;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      const message = `the fake's reply function failed: ${error instanceof Error ? error.message : String(error)}`;
      send(res, 500, JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }));
    });
  });
  private port = 0;

  private constructor(options: FakeProviderServerOptions) {
    this.options = options;
    this.reply = options.reply ?? echoLastUserMessage;
    this.latencyMs = options.latencyMs ?? 0;
  }

  static async start(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
    const fake = FakeProviderServer.create(options);
    await fake.listen();
    return fake;
  }

  /** A server not listening yet (`listen()`): for a test file's hooks (per-file.ts). */
  static create(options: FakeProviderServerOptions = {}): FakeProviderServer {
    return new FakeProviderServer(options);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** What OPENAI_BASE_URL would be. */
  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }
  /** What ANTHROPIC_BASE_URL would be (the SDK adds /v1/messages). */
  get anthropicBaseURL(): string {
    return this.url;
  }
  get lastRequest(): FakeRequest | undefined {
    return this.requests.at(-1);
  }

  /** Faults for the next requests, one each, in order (after any matching `faultWhen` rule). */
  enqueue(...faults: FakeFault[]): this {
    this.queue.push(...faults);
    return this;
  }

  /** A fault for every request that matches, `times` times (default: always). */
  faultWhen(
    match: (request: FakeRequest) => boolean,
    fault: FakeFault,
    times = Number.POSITIVE_INFINITY,
  ): this {
    this.rules.push({ match, fault, times });
    return this;
  }

  /** From now on, requests beyond the rate are answered 429 with the wait (until reset()). */
  rateLimit(limit: FakeRateLimit): this {
    this.bucket = { limit, tokens: limit.burst ?? limit.perSecond, at: performance.now() };
    return this;
  }

  /** Resolves once `count` requests have arrived in total. */
  whenRequests(count: number): Promise<void> {
    return this.when(() => this.stats.total >= count);
  }
  /** Resolves once `count` requests are being served at the same time. */
  whenActive(count: number): Promise<void> {
    return this.when(() => this.stats.active >= count);
  }
  /** Resolves once no request is being served (hung ones included). */
  whenIdle(): Promise<void> {
    return this.when(() => this.stats.active === 0);
  }

  /** Forgets the counters, the recorded requests, queued faults and rules. */
  reset(): void {
    Object.assign(this.stats, { total: 0, byPath: {}, peakActive: this.stats.active, rateLimited: 0 });
    this.bucket = undefined;
    this.requests.length = 0;
    this.queue.length = 0;
    this.rules.length = 0;
  }

  /** Between tests: reset(), and answers and waits again as it was started to. */
  resetForNextTest(): void {
    this.reset();
    this.reply = this.options.reply ?? echoLastUserMessage;
    this.latencyMs = this.options.latencyMs ?? 0;
  }

  /** Ends everything, hung requests and pending latencies included. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ ready, resolve }));
  }

  private notify(): void {
    for (const waiter of this.waiters)
      if (waiter.ready()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const api: FakeApi = path.endsWith("/messages") ? "anthropic" : "openai";
    let finished = false;
    let markClosed!: () => void;
    const request: FakeRequest = {
      api,
      method: req.method ?? "GET",
      path,
      headers: { ...req.headers },
      body: undefined,
      rawBody: "",
      closed: new Promise((resolve) => (markClosed = resolve)),
      get cut() {
        return !finished;
      },
    };
    this.stats.total++;
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1;
    this.stats.active++;
    this.stats.peakActive = Math.max(this.stats.peakActive, this.stats.active);
    this.requests.push(request);
    res.once("finish", () => (finished = true));
    res.once("close", () => {
      this.stats.active--;
      markClosed();
      this.notify();
    });
    this.notify();

    const raw = await readBody(req);
    request.rawBody = raw;
    try {
      request.body = raw ? JSON.parse(raw) : undefined;
    } catch {
      request.body = raw;
    }
    if (!this.authorised(request)) return this.sendAuthError(res, request);
    const waitMs = this.takeToken();
    if (waitMs !== undefined) return this.sendRateLimited(res, request, waitMs);
    const fault = this.nextFault(request);
    if (fault && "hang" in fault) return;
    if (this.latencyMs > 0) await this.delay(this.latencyMs);
    if (res.destroyed) return;
    if (!fault) return this.sendReply(res, request);
    if ("reset" in fault) return void req.socket.destroy();
    if ("malformed" in fault) return send(res, 200, '{"id":"fake","object":"chat.completion","choices":[{');
    if ("gzipBomb" in fault) return streamFiller(res, fault.gzipBomb.inflatedBytes, true);
    if ("hugeBody" in fault) return streamFiller(res, fault.hugeBody.bytes, false);
    if ("truncated" in fault) {
      const whole = JSON.stringify(await this.replyBody(request));
      const length = Buffer.byteLength(whole) + 64;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(length) });
      return void res.write(whole.slice(0, Math.floor(whole.length / 2)), () => res.destroy());
    }
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
    if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = fault.retryAfterMs;
    if (fault.body?.trimStart().startsWith("<")) headers["content-type"] = "text/html";
    send(res, fault.status, fault.body ?? JSON.stringify(errorBody(api, fault.status, fault)), headers);
  }

  private authorised(request: FakeRequest): boolean {
    const key = this.options.apiKey;
    if (key === undefined) return true;
    return request.headers.authorization === `Bearer ${key}` || request.headers["x-api-key"] === key;
  }

  private sendAuthError(res: ServerResponse, request: FakeRequest): void {
    const presented = String(request.headers["x-api-key"] ?? request.headers.authorization ?? "").replace(
      /^Bearer /,
      "",
    );
    // OpenAI masks the key it quotes; some proxies do not.
    const shown = this.options.echoKeyInErrors
      ? presented
      : `${presented.slice(0, 3)}****${presented.slice(-4)}`;
    const message =
      request.api === "anthropic"
        ? "invalid x-api-key"
        : presented
          ? `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`
          : "You didn't provide an API key.";
    send(res, 401, JSON.stringify(errorBody(request.api, 401, { message })));
  }

  /** Undefined when the request may go; else how long until the bucket has a token. */
  private takeToken(): number | undefined {
    const bucket = this.bucket;
    if (!bucket) return undefined;
    const now = performance.now();
    const { perSecond, burst = perSecond } = bucket.limit;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return ((1 - bucket.tokens) * 1000) / perSecond;
  }

  private sendRateLimited(res: ServerResponse, request: FakeRequest, waitMs: number): void {
    this.stats.rateLimited++;
    const headers: Record<string, string> = { "retry-after": String(Math.ceil(waitMs / 1000)) };
    if (this.bucket?.limit.header === "retry-after-ms") headers["retry-after-ms"] = String(Math.ceil(waitMs));
    const message = "Rate limit reached for requests. Please try again later.";
    send(res, 429, JSON.stringify(errorBody(request.api, 429, { message })), headers);
  }

  private nextFault(request: FakeRequest): FakeFault | undefined {
    const rule = this.rules.find((r) => r.times > 0 && r.match(request));
    if (rule) {
      rule.times--;
      return rule.fault;
    }
    return this.queue.shift();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async sendReply(res: ServerResponse, request: FakeRequest): Promise<void> {
    const known = ["/v1/chat/completions", "/v1/embeddings", "/v1/messages", "/v1/responses"];
    if (request.method !== "POST" || !known.includes(request.path)) {
      const message = `Unknown request URL: ${request.method} ${request.path}`;
      return send(res, 404, JSON.stringify(errorBody(request.api, 404, { message })));
    }
    send(res, 200, JSON.stringify(await this.replyBody(request)));
  }

  private async replyBody(request: FakeRequest): Promise<unknown> {
    if (request.path === "/v1/embeddings") return embeddingsBody(request.body);
    const given = await this.reply(request);
    const reply = typeof given === "string" ? { text: given } : given;
    const build =
      request.api === "anthropic"
        ? anthropicMessageBody
        : request.path === "/v1/responses"
          ? responsesBody
          : chatCompletionBody;
    return build(request.body, reply, this.stats.total);
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** `bytes` of filler, one 64 KiB chunk at a time as the socket drains; stops when the client goes. */
function streamFiller(res: ServerResponse, bytes: number, gzip: boolean): void {
  res.writeHead(200, { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) });
  const chunk = Buffer.alloc(64 * 1024, gzip ? 0 : "a");
  let left = bytes;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, chunk.length);
      left -= size;
      this.push(chunk.subarray(0, size));
    },
  });
  const done = () => undefined; // a client that stops reading is the point of these faults
  if (gzip) pipeline(source, createGzip(), res, done);
  else pipeline(source, res, done);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // A client that goes away mid-upload: serve nothing more.
    req.on("error", () => resolve(""));
    req.on("aborted", () => resolve(""));
  });
}
