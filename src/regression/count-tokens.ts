import { PromptOpsError } from "../errors.js";
import { importAtRunTime } from "../startup/import-at-run-time.js";

/** Tokens in a text, for the --max-cost preflight. */
export type TokenCounter = (text: string) => number;

type O200k = typeof import("gpt-tokenizer/encoding/o200k_base");

/**
 * OpenAI's o200k tokenizer (gpt-4o, gpt-4.1, gpt-5, o-series), loaded only when --max-cost asks.
 * Exact for those models and close for others, where tokenx's heuristics strayed up to 30% on
 * Chinese and 16% on code and Japanese. Its vocabulary (2.4 MB, 1 MB packed) was half of the
 * promptops package for one flag, so it is an optional peer dependency, like @anthropic-ai/sdk.
 */
export async function loadTokenCounter(
  importer: () => Promise<unknown> = () => importAtRunTime("gpt-tokenizer/encoding/o200k_base"),
): Promise<TokenCounter> {
  let tokenizer: O200k;
  try {
    tokenizer = (await importer()) as O200k;
  } catch (error) {
    throw new PromptOpsError(
      "tokenizer-missing",
      "--max-cost counts the prompts' tokens with the optional package gpt-tokenizer, which is not installed",
      { hint: "npm install -D gpt-tokenizer (nothing was sent)", cause: error },
    );
  }
  // Prompt text is untrusted: "<|endoftext|>" in it is text like any other, counted, never a throw.
  const asText = { disallowedSpecial: new Set<string>() };
  return (text) => tokenizer.countTokens(text, asText);
}
