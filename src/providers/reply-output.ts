import type { ToolCall } from "./provider.js";

/**
 * A reply's `output`: its text; when the model wrote none and only called tools, the calls as
 * JSON (`[{"name":…,"arguments":"…"}]`), the same on every provider, so `contains`, `is-json` and
 * the reports read a tool-only reply alike whoever answered it.
 */
export function replyOutput(
  text: string | null | undefined,
  toolCalls: readonly ToolCall[] | undefined,
): string {
  if (text) return text;
  return toolCalls && toolCalls.length > 0 ? JSON.stringify(toolCalls) : (text ?? "");
}
