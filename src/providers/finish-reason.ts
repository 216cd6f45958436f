/**
 * Why a model stopped, in one vocabulary whatever the vendor: OpenAI's `finish_reason` words, which
 * most OpenAI-compatible servers use too. Anthropic's `stop_reason` words map onto them, so one
 * `finish-reason: length` catches a reply cut off by max_tokens on either.
 */
export const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter"] as const;

const SYNONYMS: Readonly<Record<string, string>> = {
  // Anthropic
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
  // OpenAI's older name for a tool call
  function_call: "tool_calls",
};

/** The reason in the shared vocabulary; one outside both vocabularies is kept as it came, lower-cased. */
export function normaliseFinishReason(reason: string): string {
  const word = reason.trim().toLowerCase();
  return Object.hasOwn(SYNONYMS, word) ? SYNONYMS[word]! : word;
}
