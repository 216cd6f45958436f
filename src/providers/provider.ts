import type { FunctionTool, ResponseFormat } from "../prompt/prompt-file.js";
import type { RenderedMessage } from "../prompt/render.js";
import { redactSecrets } from "../redact-secrets.js";
import { oneLine } from "../text/truncate.js";
import type { ProviderSpec } from "./provider-spec.js";
import { ReplyTooLargeError } from "./reply-limit.js";

export type ProviderKind = "openai" | "anthropic" | "openai-compatible" | "exec" | "echo";

export const PROVIDER_KINDS: readonly ProviderKind[] = [
  "openai",
  "anthropic",
  "openai-compatible",
  "exec",
  "echo",
];

export interface ProviderCall {
  messages: RenderedMessage[];
  /** The prompt's model params; a provider's own config `params` are merged over them. */
  params: Record<string, unknown>;
  responseFormat?: ResponseFormat;
  tools?: FunctionTool[];
  /**
   * The only way a call is cancelled: providers never retry nor time out on their own. Abort with a
   * reason named "TimeoutError" (as testing/attempt-deadline.ts does, with a timer it holds: never
   * `AbortSignal.any` over `AbortSignal.timeout`, whose timer Node may collect) and the error is a
   * transient "timeout"; any other reason (Ctrl-C) makes it a non-transient "aborted".
   */
  signal: AbortSignal;
}

export interface ToolCall {
  name: string;
  /** JSON text, as the model wrote it (it may not parse). */
  arguments: string;
}

export interface ProviderReply {
  /** The text; when the model only called tools, the tool calls as JSON. */
  output: string;
  toolCalls?: ToolCall[];
  /** `estimated` when the provider reported no usage and tokenx counted instead. */
  tokens: { input: number; output: number; estimated: boolean };
  finishReason?: string;
  /** What the provider could not honour as asked (a dropped param, a format it lacks). */
  notes?: string[];
}

export interface EmbeddingReply {
  vectors: number[][];
  tokens: { input: number; output: number; estimated: boolean };
}

export interface Provider {
  /** What reports show: "openai:gpt-4o-mini", or a config entry's own id. */
  readonly id: string;
  readonly kind: ProviderKind;
  readonly model: string;
  /**
   * Everything besides the call that shapes a reply (kind, model, base URL, config params, command),
   * as stable JSON for the response cache key. Never holds a secret.
   */
  readonly cacheScope: string;
  call(request: ProviderCall): Promise<ProviderReply>;
  /** Only providers with an embeddings endpoint (openai, openai-compatible) have it. */
  embed?(input: string[], signal: AbortSignal): Promise<EmbeddingReply>;
}

/** Who a provider behind an HTTP API is; cacheScope's key order is part of every cache key. */
export function httpProviderIdentity(
  spec: ProviderSpec,
  baseURL: string | undefined,
): Pick<Provider, "id" | "kind" | "model" | "cacheScope"> {
  const { id, kind, model } = spec;
  return { id, kind, model, cacheScope: JSON.stringify({ kind, model, baseURL, params: spec.params ?? {} }) };
}

export type ProviderErrorKind =
  | "rate-limit"
  | "server"
  | "timeout"
  | "network"
  | "malformed"
  | "auth"
  | "bad-request"
  | "aborted"
  /** Over test.maxReplyBytes: the same request would most likely be as large again. */
  | "too-large"
  | "other";

const TRANSIENT_BY_DEFAULT: ReadonlySet<ProviderErrorKind> = new Set([
  "rate-limit",
  "server",
  "timeout",
  "network",
  "malformed",
]);

export interface ProviderErrorOptions {
  kind: ProviderErrorKind;
  /** Defaults by kind: rate-limit, server, timeout, network and malformed are worth retrying. */
  transient?: boolean;
  status?: number;
  retryAfterMs?: number;
  providerMessage?: string;
  providerId?: string;
}

/**
 * A failed provider call, classified for the runner: retry when `transient` (waiting at least
 * `retryAfterMs` when the provider said so), else report the case as an error with `message`.
 * Built only from redacted text: it never carries an API key nor the SDK's error object.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly transient: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly providerMessage: string | undefined;
  readonly providerId: string | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message);
    this.name = "ProviderError";
    this.kind = options.kind;
    this.transient = options.transient ?? TRANSIENT_BY_DEFAULT.has(options.kind);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.providerMessage = options.providerMessage;
    this.providerId = options.providerId;
  }
}

/** Abort classification shared by every provider; see ProviderCall.signal. */
export function abortError(signal: AbortSignal, providerId: string): ProviderError {
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === "TimeoutError"
    ? new ProviderError(`${providerId}: timed out`, { kind: "timeout", providerId })
    : new ProviderError(`${providerId}: aborted`, { kind: "aborted", providerId });
}

interface HeaderReader {
  get(name: string): string | null;
}

/**
 * How long the provider asked us to wait, in ms: `retry-after-ms` (OpenAI's, exact) wins over
 * `retry-after` (seconds, possibly fractional, or an HTTP date). Rounded up: retrying early wastes
 * the attempt.
 */
export function parseRetryAfter(headers: HeaderReader | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const after = headers?.get("retry-after")?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Short, one line, no secret: provider error texts can be whole HTML pages from a proxy. */
export function cleanText(text: string, secrets: readonly string[] = [], limit = 300): string {
  const plain = text.trimStart().startsWith("<") ? text.replace(/<[^>]*>/g, " ") : text;
  return oneLine(redactSecrets(plain, secrets), limit);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes both official SDKs export (they are generated by the same tool). */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

export interface TranslateContext {
  providerId: string;
  signal: AbortSignal;
  sdk: SdkErrorClasses;
  /** The API key in use, removed from any text we keep. */
  secrets: readonly string[];
}

interface ApiErrorLike {
  status?: number;
  headers?: HeaderReader;
  error?: unknown;
  code?: unknown;
  type?: unknown;
  message: string;
}

/** Maps whatever an SDK call threw (SDK errors, or raw fetch/JSON errors from reading the body). */
export function translateSdkError(error: unknown, context: TranslateContext): ProviderError {
  const { providerId, signal, sdk, secrets } = context;
  if (error instanceof ProviderError) return error;
  // First: an abort during the body read surfaces as a raw DOMException, not APIUserAbortError.
  if (signal.aborted || error instanceof sdk.APIUserAbortError) return abortError(signal, providerId);
  if (error instanceof sdk.APIConnectionTimeoutError)
    return new ProviderError(`${providerId}: timed out`, { kind: "timeout", providerId });
  if (error instanceof sdk.APIConnectionError) return networkError(providerId, causeDetail(error, secrets));
  if (error instanceof sdk.APIError && typeof (error as ApiErrorLike).status === "number")
    return statusError(error as ApiErrorLike, providerId, secrets);
  return rawError(error, providerId, secrets);
}

/** Errors thrown outside the SDK's request path: the body read and the reply's shape. */
export function rawError(error: unknown, providerId: string, secrets: readonly string[]): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ReplyTooLargeError) return replyTooLarge(providerId, error.message);
  if (error instanceof SyntaxError)
    return new ProviderError(`${providerId}: the response is not valid JSON`, {
      kind: "malformed",
      providerId,
    });
  const detail = causeDetail(error, secrets);
  // undici's fetch rejects "terminated" when the socket closes before Content-Length bytes came.
  if (error instanceof Error && error.message === "terminated")
    return new ProviderError(`${providerId}: the response body was cut off (${detail})`, {
      kind: "malformed",
      providerId,
    });
  if (/fetch failed|ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR/.test(detail))
    return networkError(providerId, detail);
  return new ProviderError(`${providerId}: ${detail}`, { kind: "other", providerId });
}

/** Not transient: a retry would pay for (and read) another reply as large. */
export function replyTooLarge(providerId: string, message: string): ProviderError {
  return new ProviderError(`${providerId}: ${message}`, { kind: "too-large", providerId });
}

function networkError(providerId: string, detail: string): ProviderError {
  return new ProviderError(`${providerId}: connection failed: ${detail}`, { kind: "network", providerId });
}

function statusError(error: ApiErrorLike, providerId: string, secrets: readonly string[]): ProviderError {
  const status = error.status!;
  const body = (error.error ?? {}) as {
    message?: unknown;
    type?: unknown;
    error?: { message?: unknown; type?: unknown };
  };
  // OpenAI's SDK keeps body.error, Anthropic's keeps the whole body ({type:"error", error:{…}}).
  const rawMessage = body.error?.message ?? body.message ?? error.message.replace(/^\d{3}\s+/, "");
  const providerMessage = cleanText(
    typeof rawMessage === "string" ? rawMessage : JSON.stringify(rawMessage),
    secrets,
  );
  const type = String(body.error?.type ?? body.type ?? error.type ?? "");
  const code = String(error.code ?? "");
  const retryAfterMs = parseRetryAfter(error.headers);
  let kind: ProviderErrorKind = "other";
  let transient: boolean | undefined;
  if (status === 429) {
    kind = "rate-limit";
    // OpenAI answers 429 when the account is out of credit too: no wait will fix that.
    if (code === "insufficient_quota" || type === "insufficient_quota") transient = false;
  } else if (status === 529 || type === "overloaded_error") kind = "server";
  else if (status === 408) kind = "timeout";
  else if (status === 401 || status === 403) kind = "auth";
  else if (status === 400 || status === 404 || status === 413 || status === 422) kind = "bad-request";
  else if (status >= 500) kind = "server";
  // The official SDKs retry 409 (a lock timeout on the provider's side); so do we.
  else if (status === 409) transient = true;
  // Both providers send x-should-retry when they know better than the status code.
  const should = error.headers?.get("x-should-retry");
  if (should === "true" || should === "false") transient = should === "true";
  const wait = retryAfterMs === undefined ? "" : ` (retry after ${retryAfterMs} ms)`;
  return new ProviderError(`${providerId}: HTTP ${status}: ${providerMessage || "(no message)"}${wait}`, {
    kind,
    ...(transient === undefined ? {} : { transient }),
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(providerMessage ? { providerMessage } : {}),
    providerId,
  });
}

/** The innermost useful text of an error chain, e.g. "other side closed (UND_ERR_SOCKET)". */
function causeDetail(error: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { message, code, cause } = current as { message?: unknown; code?: unknown; cause?: unknown };
    // Node's AggregateError for a refused connection has an empty message and only a code.
    if (typeof message === "string" && message)
      parts.push(typeof code === "string" ? `${message} (${code})` : message);
    else if (typeof code === "string") parts.push(code);
    current = cause;
  }
  const generic = /^(Connection error\.?|fetch failed|terminated)$/;
  const useful = parts.filter((p) => !generic.test(p));
  return cleanText(useful.at(-1) ?? parts.at(-1) ?? String(error), secrets);
}
