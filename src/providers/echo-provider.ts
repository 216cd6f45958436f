import { estimateTokenCount } from "tokenx";
import { textOf, toText } from "../prompt/provider-formats.js";
import type { RenderedMessage } from "../prompt/render.js";
import type { Provider, ProviderCall, ProviderReply } from "./provider.js";
import { abortError } from "./provider-errors.js";
import type { ProviderSpec } from "./provider-spec.js";

export const ECHO_MAKES_NO_TOOL_CALLS =
  "echo makes no tool calls: a tool-call assertion fails on it, and no-tool-call always holds";

/** Offline: the reply is the rendered prompt itself, every message and the history included. */
export function createEchoProvider(spec: ProviderSpec): Provider {
  return {
    id: spec.id,
    kind: "echo",
    model: spec.model,
    cacheScope: JSON.stringify({ kind: "echo", model: spec.model }),
    async call(request: ProviderCall): Promise<ProviderReply> {
      if (request.signal.aborted) throw abortError(request.signal, spec.id);
      const output = toText(request.messages);
      // Tools are declared but never called: said once per run, so a failing tool-call reads right.
      const notes = request.tools?.length ? { notes: [ECHO_MAKES_NO_TOOL_CALLS] } : {};
      return { output, tokens: estimateTokens(request.messages, output), ...notes };
    },
  };
}

/** tokenx estimates, for providers that report no usage: close to, not equal to, a real tokenizer. */
export function estimateTokens(
  messages: readonly RenderedMessage[],
  output: string,
): { input: number; output: number; estimated: true } {
  const input = messages.reduce((sum, m) => sum + estimateTokenCount(textOf(m.content)), 0);
  return { input, output: estimateTokenCount(output), estimated: true };
}
