/** The JSON bodies the real APIs send, success and error, for the fake provider server. */

export type FakeApi = "openai" | "anthropic";

export interface FakeReplyParts {
  text?: string | null;
  /**
   * `arguments` as OpenAI sends them, JSON text (which may not parse), or as a value, which OpenAI
   * sends as such (some compatible servers do) and Anthropic always does (its `input`).
   */
  toolCalls?: Array<{ name: string; arguments: string | Record<string, unknown> }>;
  finishReason?: string;
  /** null: no usage in the body, as some OpenAI-compatible servers do. */
  usage?: { input: number; output: number } | null;
}

// biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the SDK sent
type Body = any;

function usageOf(body: Body, reply: FakeReplyParts): { input: number; output: number } | undefined {
  if (reply.usage === null) return undefined;
  return (
    reply.usage ?? {
      input: estimate(JSON.stringify(body?.messages ?? []) + (body?.system ?? "")),
      output: estimate(reply.text ?? JSON.stringify(reply.toolCalls ?? [])),
    }
  );
}

/** OpenAI `POST /v1/chat/completions`, non-streaming. */
export function chatCompletionBody(body: Body, reply: FakeReplyParts, n: number): unknown {
  const toolCalls = reply.toolCalls ?? [];
  const usage = usageOf(body, reply);
  return {
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion",
    created: 1_764_000_000,
    model: body?.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((c, i) => ({
                  id: `call_fake_${i}`,
                  type: "function",
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
      },
    ],
    ...(usage
      ? {
          usage: {
            prompt_tokens: usage.input,
            completion_tokens: usage.output,
            total_tokens: usage.input + usage.output,
          },
        }
      : {}),
    system_fingerprint: "fp_fake",
  };
}

/** Anthropic `POST /v1/messages`, non-streaming. */
export function anthropicMessageBody(body: Body, reply: FakeReplyParts, n: number): unknown {
  const toolCalls = reply.toolCalls ?? [];
  const usage = usageOf(body, reply);
  const text = reply.text ?? null;
  return {
    id: `msg_fake_${n}`,
    type: "message",
    role: "assistant",
    model: body?.model,
    content: [
      ...(text === null ? [] : [{ type: "text", text }]),
      ...toolCalls.map((c, i) => ({
        type: "tool_use",
        id: `toolu_fake_${i}`,
        name: c.name,
        input: typeof c.arguments === "string" ? anthropicInput(c.arguments) : c.arguments,
      })),
    ],
    stop_reason: reply.finishReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn"),
    stop_sequence: null,
    ...(usage ? { usage: { input_tokens: usage.input, output_tokens: usage.output } } : {}),
  };
}

/** OpenAI `POST /v1/responses`, non-streaming, text only: enough for `response.output_text`. */
export function responsesBody(body: Body, reply: FakeReplyParts, n: number): unknown {
  const usage = usageOf({ messages: body?.input, system: body?.instructions }, reply);
  return {
    id: `resp_fake_${n}`,
    object: "response",
    created_at: 1_764_000_000,
    status: "completed",
    model: body?.model,
    output: [
      {
        type: "message",
        id: `msg_fake_${n}`,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: reply.text ?? "", annotations: [] }],
      },
    ],
    ...(usage
      ? {
          usage: {
            input_tokens: usage.input,
            output_tokens: usage.output,
            total_tokens: usage.input + usage.output,
          },
        }
      : {}),
  };
}

/** Anthropic's `input` is always an object: arguments that do not parse are the test's mistake. */
function anthropicInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Anthropic sends tool_use input as an object; these arguments are not JSON: ${text}`);
  }
}

const OPENAI_ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: { message: "Invalid authentication.", type: "invalid_request_error", code: "invalid_api_key" },
  404: {
    message: "The model does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
  },
  503: {
    message: "The engine is currently overloaded, please try again later.",
    type: "server_error",
    code: null,
  },
};

const ANTHROPIC_ERRORS: Record<number, { message: string; type: string }> = {
  400: { message: "Invalid request.", type: "invalid_request_error" },
  401: { message: "invalid x-api-key", type: "authentication_error" },
  403: {
    message: "Your API key does not have permission to use the specified resource.",
    type: "permission_error",
  },
  404: { message: "The requested resource could not be found.", type: "not_found_error" },
  429: {
    message: "Number of request tokens has exceeded your per-minute rate limit.",
    type: "rate_limit_error",
  },
  500: { message: "Internal server error", type: "api_error" },
  529: { message: "Overloaded", type: "overloaded_error" },
};

/** Each provider's documented error body for a status. */
export function errorBody(
  api: FakeApi,
  status: number,
  given: { message?: string; type?: string; code?: string },
): unknown {
  if (api === "anthropic") {
    const known = ANTHROPIC_ERRORS[status] ?? {
      message: `HTTP ${status}`,
      type: status >= 500 ? "api_error" : "invalid_request_error",
    };
    return {
      type: "error",
      error: { type: given.type ?? known.type, message: given.message ?? known.message },
      request_id: "req_fake",
    };
  }
  const known = OPENAI_ERRORS[status] ?? {
    message: `HTTP ${status}`,
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return {
    error: {
      message: given.message ?? known.message,
      type: given.type ?? known.type,
      param: null,
      code: given.code ?? known.code,
    },
  };
}

/** Deterministic vectors from character bigrams: similar texts get similar vectors. */
export function embeddingsBody(body: {
  model?: string;
  input?: string | string[];
  encoding_format?: string;
}): unknown {
  const inputs = Array.isArray(body?.input) ? body.input : [String(body?.input ?? "")];
  const data = inputs.map((text, index) => {
    const vector = new Array<number>(16).fill(0);
    const lower = text.toLowerCase();
    for (let i = 0; i + 1 < lower.length; i++)
      vector[(lower.charCodeAt(i) * 31 + lower.charCodeAt(i + 1)) % 16]! += 1;
    const norm = Math.hypot(...vector) || 1;
    const unit = vector.map((v) => v / norm);
    // The SDK asks for base64 (little-endian float32) unless the caller chose a format.
    const embedding =
      body?.encoding_format === "base64"
        ? Buffer.from(new Float32Array(unit).buffer).toString("base64")
        : unit;
    return { object: "embedding", index, embedding };
  });
  const tokens = inputs.reduce((sum, text) => sum + estimate(text), 0);
  return { object: "list", data, model: body?.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** About four characters a token: deterministic, so tests can predict usage. */
export function estimate(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("\n");
}
