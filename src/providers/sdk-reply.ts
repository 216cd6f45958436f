import { estimateTokens } from "./echo-provider.js";
import type { ProviderCall, ProviderReply, ToolCall } from "./provider.js";

/** What an SDK provider read from a reply, before it becomes a ProviderReply. */
export interface SdkReplyParts {
  output: string;
  toolCalls: ToolCall[];
  /** The reply's own token counts; estimated from the text unless both are numbers. */
  usage: { input: unknown; output: unknown };
  finishReason: string | null | undefined;
  notes: string[];
}

/** A ProviderReply with only the fields that say something: no empty toolCalls, notes or reason. */
export function sdkReply(parts: SdkReplyParts, request: ProviderCall): ProviderReply {
  const { output, toolCalls, usage, finishReason, notes } = parts;
  return {
    output,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    tokens:
      typeof usage.input === "number" && typeof usage.output === "number"
        ? { input: usage.input, output: usage.output, estimated: false }
        : estimateTokens(request.messages, output),
    ...(finishReason ? { finishReason } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
