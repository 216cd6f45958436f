import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { PromptOpsError } from "../errors.js";
import { nestedDeeperThan } from "../json-depth.js";
import type { ResponseFormat } from "../prompt/prompt-file.js";
import { toAnthropicMessages } from "../prompt/provider-formats.js";
import { importAtRunTime } from "../startup/import-at-run-time.js";
import { toAnthropicTool, toAnthropicToolChoice } from "./anthropic-tools.js";
import { createHttpFetch } from "./http-fetch.js";
import {
  httpProviderIdentity,
  type Provider,
  type ProviderCall,
  type ProviderReply,
  type ToolCall,
} from "./provider.js";
import { ProviderError, type SdkErrorClasses, translateSdkError } from "./provider-errors.js";
import type { ProviderSpec } from "./provider-spec.js";
import { replyOutput } from "./reply-output.js";
import { sdkReply } from "./sdk-reply.js";

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL: string;
  /** The most bytes of a reply read (decoded); the default is DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** For tests: how the SDK module is loaded (it is an optional peer dependency). */
  importer?: () => Promise<unknown>;
}

/** Anthropic requires max_tokens; prompts written for OpenAI often leave it out. */
export const DEFAULT_MAX_TOKENS = 1024;
const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;
// OpenAI-only knobs a shared prompt may carry: the Messages API rejects unknown fields with a 400,
// which would fail every case of the matrix for a setting that means nothing here.
const OPENAI_ONLY = new Set([
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "n",
  "user",
  "reasoning_effort",
  "store",
]);
const RESERVED = new Set([
  "model",
  "messages",
  "system",
  "stream",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  // Mapped from OpenAI's forms (anthropic-tools.ts).
  "tool_choice",
  "parallel_tool_calls",
]);

type AnthropicModule = typeof import("@anthropic-ai/sdk");

export async function createAnthropicProvider(
  spec: ProviderSpec,
  options: AnthropicProviderOptions,
): Promise<Provider> {
  let sdk: AnthropicModule;
  try {
    sdk = (await (options.importer ?? (() => importAtRunTime("@anthropic-ai/sdk")))()) as AnthropicModule;
  } catch (error) {
    throw new PromptOpsError(
      "provider-sdk-missing",
      "the anthropic provider needs the optional package @anthropic-ai/sdk",
      {
        hint: "npm install @anthropic-ai/sdk",
        exitCode: 2,
        cause: error,
      },
    );
  }
  const client: Anthropic = new sdk.Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    // Also keeps the SDK from refusing large max_tokens without streaming: that check only runs
    // when no timeout was chosen. Our runner cancels through the signal.
    timeout: SDK_TIMEOUT_MS,
    fetch: createHttpFetch({ maxReplyBytes: options.maxReplyBytes }),
  });
  const errors = sdk as unknown as SdkErrorClasses;
  const secrets = [options.apiKey];

  return {
    ...httpProviderIdentity(spec, options.baseURL),
    async call(request: ProviderCall): Promise<ProviderReply> {
      const { body, notes } = requestBody(spec, request);
      let message: Message;
      try {
        const { started, warnings } = withWarningsCaptured(() =>
          client.messages.create(body, { signal: request.signal }),
        );
        notes.push(...warnings);
        message = await started;
      } catch (error) {
        throw translateSdkError(error, { providerId: spec.id, signal: request.signal, sdk: errors, secrets });
      }
      return reply(message, request, spec.id, notes);
    },
  };
}

/**
 * Starts a request with console.warn captured: the SDK warns on stderr at every request for a
 * deprecated model (a thousand lines in a thousand-case run, through the progress display). Its
 * warnings come back as the reply's notes instead, which the run says once. Safe because the SDK
 * warns while starting the request, before its first await: no other code runs meanwhile.
 */
function withWarningsCaptured<T>(start: () => T): { started: T; warnings: string[] } {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    warnings.push(text.split("\n")[0] ?? text);
  };
  try {
    return { started: start(), warnings };
  } finally {
    console.warn = warn;
  }
}

function requestBody(
  spec: ProviderSpec,
  request: ProviderCall,
): { body: MessageCreateParamsNonStreaming; notes: string[] } {
  const params: Record<string, unknown> = { ...spec.defaults, ...request.params, ...spec.params };
  const notes: string[] = [];
  const { system, messages } = toAnthropicMessages(request.messages);
  const body: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || RESERVED.has(key)) continue;
    if (OPENAI_ONLY.has(key)) dropped.push(key);
    else body[key] = value;
  }
  if (dropped.length > 0) notes.push(`not sent, Anthropic has no such parameter: ${dropped.join(", ")}`);
  body.model = spec.model;
  if (system !== undefined) body.system = system;
  body.messages = messages;
  body.max_tokens = params.max_tokens ?? params.max_completion_tokens ?? DEFAULT_MAX_TOKENS;
  if (params.stop !== undefined && params.stop !== null)
    body.stop_sequences = Array.isArray(params.stop) ? params.stop : [params.stop];
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(toAnthropicTool);
    const choice = toAnthropicToolChoice(params.tool_choice, params.parallel_tool_calls, notes);
    if (choice) body.tool_choice = choice;
  } else if (params.tool_choice !== undefined || params.parallel_tool_calls !== undefined)
    notes.push("tool_choice and parallel_tool_calls not sent: the prompt declares no tools");
  applyResponseFormat(body, request.responseFormat, notes);
  body.stream = false;
  return { body: body as unknown as MessageCreateParamsNonStreaming, notes };
}

/**
 * json_schema becomes Anthropic's structured output (`output_config.format`), which enforces the
 * same schema but has no name nor strict flag; json_object has no counterpart and is not enforced.
 * Both are said in the reply's notes, and nothing is added to the prompt's text.
 */
function applyResponseFormat(
  body: Record<string, unknown>,
  format: ResponseFormat | undefined,
  notes: string[],
): void {
  if (!format || format.type === "text") return;
  if (format.type === "json_object") {
    notes.push("response_format json_object has no Anthropic equivalent: JSON output was not enforced");
    return;
  }
  const config = (body.output_config ?? {}) as Record<string, unknown>;
  if (config.format !== undefined) {
    notes.push("response_format not sent: the provider's params already set output_config.format");
    return;
  }
  if (!format.json_schema?.schema) {
    notes.push("response_format json_schema has no schema: not sent");
    return;
  }
  body.output_config = { ...config, format: { type: "json_schema", schema: format.json_schema.schema } };
  notes.push("response_format json_schema sent as output_config.format (its name and strict flag are not)");
}

function reply(message: Message, request: ProviderCall, providerId: string, notes: string[]): ProviderReply {
  if (typeof message !== "object" || message === null || !Array.isArray(message.content))
    throw new ProviderError(`${providerId}: malformed response: no content blocks`, {
      kind: "malformed",
      providerId,
    });
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "tool_use") toolCalls.push(toolUse(block, providerId));
  }
  const output = replyOutput(texts.join(""), toolCalls);
  const usage = { input: message.usage?.input_tokens, output: message.usage?.output_tokens };
  return sdkReply({ output, toolCalls, usage, finishReason: message.stop_reason, notes }, request);
}

/**
 * Deeper than this, a tool_use input is a malformed reply. Checked before writing it out: whether
 * JSON.stringify overflows on deep nesting depends on the engine (Node 26 writes out 200,000
 * levels, Node 20-24 throw), and the verdict must not. Shallower inputs that still nest past the
 * report limit are kept as text with `argsError`, as OpenAI's are.
 */
const MAX_TOOL_INPUT_DEPTH = 1000;

/** A tool_use block's input as JSON text; an input nested too deep to write out is a malformed reply. */
function toolUse(block: { name: unknown; input: unknown }, providerId: string): ToolCall {
  let text: string;
  try {
    if (nestedDeeperThan(block.input, MAX_TOOL_INPUT_DEPTH)) throw new RangeError("nested too deep");
    text = JSON.stringify(block.input ?? {});
  } catch {
    throw new ProviderError(`${providerId}: malformed response: a tool_use input nested too deep to read`, {
      kind: "malformed",
      providerId,
    });
  }
  return { name: String(block.name), arguments: text };
}
