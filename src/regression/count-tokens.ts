/** Tokens in a text, for the --max-cost preflight. */
export type TokenCounter = (text: string) => number;

/**
 * OpenAI's o200k tokenizer (gpt-4o, gpt-4.1, gpt-5, o-series), loaded only when --max-cost asks:
 * its vocabulary is 2.4 MB and takes ~150 ms to load. Exact for those models and close for others,
 * where tokenx's heuristics strayed up to 30% on Chinese and 16% on code and Japanese.
 */
export async function loadTokenCounter(): Promise<TokenCounter> {
  const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
  // Prompt text is untrusted: "<|endoftext|>" in it is text like any other, counted, never a throw.
  const asText = { disallowedSpecial: new Set<string>() };
  return (text) => countTokens(text, asText);
}
