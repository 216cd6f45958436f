import { closestMatch } from "../schemas/did-you-mean.js";

/**
 * Request params that the supported APIs (OpenAI, Anthropic, and the compatible servers people
 * run: Ollama, vLLM, LiteLLM) take. Params are passed through as written, so a misspelt one is
 * not an error of ours but of the API's (a 400) or, worse, silently ignored: a name close to one
 * of these, and not one of them, is taken for a typo.
 */
const KNOWN_PARAMS = [
  // OpenAI chat completions
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "n",
  "user",
  "reasoning_effort",
  "verbosity",
  "service_tier",
  "parallel_tool_calls",
  "tool_choice",
  "metadata",
  "store",
  "modalities",
  "prediction",
  "audio",
  "web_search_options",
  "prompt_cache_key",
  "safety_identifier",
  // Anthropic messages
  "top_k",
  "stop_sequences",
  "thinking",
  "output_config",
  // Compatible servers
  "min_p",
  "min_tokens",
  "repeat_penalty",
  "repetition_penalty",
  "num_ctx",
  "num_predict",
  "keep_alive",
  "best_of",
  "typical_p",
  "mirostat",
  "mirostat_eta",
  "mirostat_tau",
] as const;

/** The known param a name was probably meant to be, when it is not one itself. */
export function misspeltParam(name: string): string | undefined {
  if ((KNOWN_PARAMS as readonly string[]).includes(name)) return undefined;
  return closestMatch(name, KNOWN_PARAMS);
}

export interface ParamNameProblem {
  /** The param's name: the problem is at its key. */
  name: string;
  message: string;
  hint: string;
}

/** Each param of a `params:` map that looks like a misspelt known one. */
export function paramNameProblems(params: Record<string, unknown>, where: string): ParamNameProblem[] {
  return Object.keys(params).flatMap((name) => {
    const near = misspeltParam(name);
    if (near === undefined) return [];
    return [
      {
        name,
        message: `unknown param "${name}" in ${where} (did you mean "${near}"?)`,
        hint: "params are sent as written: a misspelt one is refused by the API, or silently ignored",
      },
    ];
  });
}
