import type { ProviderKind } from "../config/provider-names.js";
import type { FunctionTool, ResponseFormat } from "../prompt/prompt-file.js";
import type { RenderedMessage } from "../prompt/render.js";
import type { ProviderSpec } from "./provider-spec.js";

export { PROVIDER_KINDS, type ProviderKind } from "../config/provider-names.js";

export interface ProviderCall {
  messages: RenderedMessage[];
  /** The prompt's model params; a provider's own config `params` are merged over them. */
  params: Record<string, unknown>;
  responseFormat?: ResponseFormat;
  tools?: FunctionTool[];
  /**
   * The only way a call is cancelled: providers never retry nor time out on their own. Abort with a
   * reason named "TimeoutError" (as regression/attempt-deadline.ts does, with a timer it holds: never
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
  return {
    id,
    kind,
    model,
    cacheScope: JSON.stringify({
      kind,
      model,
      baseURL,
      params: spec.params ?? {},
      ...(spec.defaults ? { defaults: spec.defaults } : {}),
    }),
  };
}
