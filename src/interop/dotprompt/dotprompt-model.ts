import type { JsonSchema } from "./picoschema.js";

export interface ModelNote {
  path: (string | number)[];
  message: string;
}

/** dotprompt's model names are `<plugin>/<model>`; promptops has providers for two of those plugins. */
const PROVIDERS: Record<string, string> = { openai: "openai", anthropic: "anthropic" };

// Genkit's common generation config, as promptops names the same parameter.
const PARAMS: Record<string, string> = {
  temperature: "temperature",
  maxOutputTokens: "max_tokens",
  topP: "top_p",
  stopSequences: "stop",
  seed: "seed",
  presencePenalty: "presence_penalty",
  frequencyPenalty: "frequency_penalty",
};

export function convertModel(
  model: unknown,
  config: unknown,
  notes: ModelNote[],
): { provider: string; name: string; params?: Record<string, unknown> } | undefined {
  let result: { provider: string; name: string; params?: Record<string, unknown> } | undefined;
  if (typeof model === "string") {
    const slash = model.indexOf("/");
    const provider = PROVIDERS[model.slice(0, slash)];
    if (slash > 0 && provider && slash < model.length - 1)
      result = { provider, name: model.slice(slash + 1) };
    else
      notes.push({
        path: ["model"],
        message: `not carried over: the model "${model}" (promptops has providers for openai/… and anthropic/…; set model: in the prompt file)`,
      });
  } else if (model !== undefined)
    notes.push({ path: ["model"], message: "not carried over: a model that is not a name" });
  if (config === undefined || config === null) return result;
  if (typeof config !== "object" || Array.isArray(config)) {
    notes.push({ path: ["config"], message: "not carried over: config that is not a map" });
    return result;
  }
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const name = PARAMS[key];
    if (!name)
      notes.push({
        path: ["config", key],
        message: `not carried over: config "${key}" (no promptops parameter)`,
      });
    else if (!result)
      notes.push({
        path: ["config", key],
        message: `not carried over: config "${key}" (no model to carry it to)`,
      });
    else params[name] = value;
  }
  if (result && Object.keys(params).length > 0) result.params = params;
  return result;
}

/** output.format json with a schema → an OpenAI json_schema response format, named after the prompt. */
export function responseFormat(id: string, schema: JsonSchema): Record<string, unknown> {
  return {
    type: "json_schema",
    json_schema: { name: id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64), schema },
  };
}
