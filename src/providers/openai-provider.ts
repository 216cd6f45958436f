import type OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import { estimateTokenCount } from "tokenx";
import { toOpenAIMessages } from "../prompt/provider-formats.js";
import { createHttpFetch } from "./http-fetch.js";
import {
  type EmbeddingReply,
  httpProviderIdentity,
  type Provider,
  type ProviderCall,
  type ProviderReply,
  type ToolCall,
} from "./provider.js";
import { ProviderError, translateSdkError } from "./provider-errors.js";
import type { ProviderSpec } from "./provider-spec.js";
import { replyOutput } from "./reply-output.js";
import { sdkReply } from "./sdk-reply.js";

export interface OpenAIProviderOptions {
  /** Undefined only for a keyless openai-compatible endpoint (a local Ollama or vLLM). */
  apiKey: string | undefined;
  baseURL: string;
  organization?: string | undefined;
  project?: string | undefined;
  /** The most bytes of a reply read (decoded); the default is DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** For tests: how the SDK module is loaded. */
  importer?: () => Promise<unknown>;
}

// The SDK refuses to build a client without a key; keyless local servers ignore this one, and it
// is only ever sent to the baseURL the user configured.
const NO_KEY = "promptops-no-key";
// Our runner owns timeouts and cancels through the signal; the SDK's own clock must never fire first.
const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;
// Reasoning models reject max_tokens and take max_completion_tokens instead.
const COMPLETION_TOKENS_MODELS = /^(o\d|gpt-5)/;
// Ours to set: the call's messages and model, and a single JSON reply rather than a stream.
const RESERVED = new Set(["model", "messages", "stream", "stream_options"]);

type OpenAIModule = typeof import("openai");

/** openai and openai-compatible (Ollama, vLLM, LiteLLM, Azure's v1 API) through the official SDK. */
export async function createOpenAIProvider(
  spec: ProviderSpec,
  options: OpenAIProviderOptions,
): Promise<Provider> {
  // Loaded here, not at the top: `validate` and `--help` must never pay for the SDK.
  const sdk = (await (options.importer ?? (() => import("openai")))()) as OpenAIModule;
  const client: OpenAI = new sdk.OpenAI({
    apiKey: options.apiKey ?? NO_KEY,
    baseURL: options.baseURL,
    organization: options.organization ?? null,
    project: options.project ?? null,
    adminAPIKey: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    fetch: createHttpFetch({ maxReplyBytes: options.maxReplyBytes }),
  });
  const secrets = options.apiKey ? [options.apiKey] : [];
  const fail = (error: unknown, signal: AbortSignal) =>
    translateSdkError(error, { providerId: spec.id, signal, sdk, secrets });

  return {
    ...httpProviderIdentity(spec, options.baseURL),
    async call(request: ProviderCall): Promise<ProviderReply> {
      const { body, notes } = requestBody(spec, request);
      let completion: ChatCompletion;
      try {
        completion = await client.chat.completions.create(body, { signal: request.signal });
      } catch (error) {
        throw fail(error, request.signal);
      }
      return reply(completion, request, spec.id, notes);
    },
    async embed(input: string[], signal: AbortSignal): Promise<EmbeddingReply> {
      try {
        const result = await client.embeddings.create({ model: spec.model, input }, { signal });
        const data = [...(result.data ?? [])].sort((a, b) => a.index - b.index);
        if (data.length !== input.length)
          throw malformed(spec.id, `${data.length} embeddings for ${input.length} inputs`);
        const used = result.usage?.prompt_tokens;
        return {
          vectors: data.map((d) => d.embedding),
          tokens:
            typeof used === "number"
              ? { input: used, output: 0, estimated: false }
              : {
                  input: input.reduce((n, text) => n + estimateTokenCount(text), 0),
                  output: 0,
                  estimated: true,
                },
        };
      } catch (error) {
        throw fail(error, signal);
      }
    },
  };
}

function requestBody(
  spec: ProviderSpec,
  request: ProviderCall,
): { body: ChatCompletionCreateParamsNonStreaming; notes: string[] } {
  const notes: string[] = [];
  const body: Record<string, unknown> = {};
  // Unknown params pass through: compatible servers take their own (Ollama's num_ctx, vLLM's top_k).
  for (const [key, value] of Object.entries({ ...spec.defaults, ...request.params, ...spec.params }))
    if (!RESERVED.has(key) && value !== undefined) body[key] = value;
  if (spec.kind === "openai" && COMPLETION_TOKENS_MODELS.test(spec.model) && "max_tokens" in body) {
    if (!("max_completion_tokens" in body)) body.max_completion_tokens = body.max_tokens;
    delete body.max_tokens;
    notes.push(`max_tokens sent as max_completion_tokens, the only one ${spec.model} accepts`);
  }
  body.model = spec.model;
  body.messages = toOpenAIMessages(request.messages);
  if (request.responseFormat) body.response_format = request.responseFormat;
  if (request.tools && request.tools.length > 0) body.tools = request.tools;
  body.stream = false;
  return { body: body as unknown as ChatCompletionCreateParamsNonStreaming, notes };
}

function reply(
  completion: ChatCompletion,
  request: ProviderCall,
  providerId: string,
  notes: string[],
): ProviderReply {
  // A proxy's HTML page or a half-compatible server gives 200 without a completion: a bad reply.
  const choice = typeof completion === "object" && completion !== null ? completion.choices?.[0] : undefined;
  const message = choice?.message;
  if (!message || typeof message !== "object")
    throw malformed(providerId, "the response has no choices[0].message");
  const toolCalls: ToolCall[] = (Array.isArray(message.tool_calls) ? message.tool_calls : []).flatMap(
    (call) => {
      if (call?.type === "function" && call.function)
        return [toolCall(call.function.name, call.function.arguments)];
      if (call?.type === "custom" && call.custom) return [toolCall(call.custom.name, call.custom.input)];
      return [];
    },
  );
  const content = textContent(message.content);
  // A structured-output refusal comes with null content; it is what the model said.
  const output = replyOutput(content ?? message.refusal, toolCalls);
  const usage = { input: completion.usage?.prompt_tokens, output: completion.usage?.completion_tokens };
  return sdkReply({ output, toolCalls, usage, finishReason: choice?.finish_reason, notes }, request);
}

/**
 * The API sends arguments as JSON text; some compatible servers send the object itself, or nothing
 * for a tool without parameters. Text is kept as written, even when it does not parse.
 */
function toolCall(name: unknown, args: unknown): ToolCall {
  return {
    name: typeof name === "string" ? name : String(name ?? ""),
    arguments:
      typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args),
  };
}

/** Some compatible servers answer with content parts rather than a string. */
function textContent(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

function malformed(providerId: string, what: string): ProviderError {
  return new ProviderError(`${providerId}: malformed response: ${what}`, { kind: "malformed", providerId });
}
