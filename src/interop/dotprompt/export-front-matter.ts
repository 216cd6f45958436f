import type { CompiledPrompt, PromptFile } from "../../prompt/prompt-file.js";
import { responseFormat } from "./dotprompt-model.js";
import { toPicoschema } from "./to-picoschema.js";

export interface ExportNote {
  path: (string | number)[];
  message: string;
}

const PARAMS: Record<string, string> = {
  temperature: "temperature",
  max_tokens: "maxOutputTokens",
  top_p: "topP",
  stop: "stopSequences",
  seed: "seed",
  presence_penalty: "presencePenalty",
  frequency_penalty: "frequencyPenalty",
};

/**
 * The front matter dotprompt reads for a prompt: model and config, the variables as input.schema
 * (JSON Schema; a variable with a default is optional and its default goes to input.default),
 * output, tool names. What it has no place for is listed with its path in the prompt file.
 */
export function exportFrontMatter(
  id: string,
  file: PromptFile,
  compiled: CompiledPrompt,
  placeholders: string[],
  notes: ExportNote[],
): Record<string, unknown> {
  const fm: Record<string, unknown> = {};
  if (file.description !== undefined) fm.description = file.description;
  const model = compiled.model;
  if (model) {
    if (model.provider === "openai" || model.provider === "anthropic")
      fm.model = `${model.provider}/${model.name}`;
    else
      notes.push({
        path: ["model", "provider"],
        message: `not carried over: the provider "${model.provider}" (dotprompt names models openai/… or anthropic/…)`,
      });
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(model.params ?? {})) {
      const name = PARAMS[key];
      if (!name || !fm.model)
        notes.push({ path: ["model", "params", key], message: `not carried over: the parameter "${key}"` });
      else config[name] = key === "stop" && typeof value === "string" ? [value] : value;
    }
    if (Object.keys(config).length > 0) fm.config = config;
  }
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const defaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(compiled.variables ?? {})) {
    if (placeholders.includes(name)) continue;
    const { default: value, ...rest } = schema;
    properties[name] = rest;
    if ("default" in schema) defaults[name] = value;
    else required.push(name);
  }
  if (Object.keys(properties).length > 0) {
    const json: Record<string, unknown> = { type: "object", properties };
    if (required.length > 0) json.required = required;
    // Picoschema when it says the same (the usual case), JSON Schema otherwise.
    const schema = toPicoschema({ ...json, additionalProperties: false }) ?? json;
    fm.input = Object.keys(defaults).length > 0 ? { schema, default: defaults } : { schema };
  }
  const format = compiled.response_format;
  if (format?.type === "json_object") fm.output = { format: "json" };
  else if (format?.type === "json_schema" && format.json_schema) {
    fm.output = { format: "json", schema: format.json_schema.schema };
    const { name, schema: _, ...others } = format.json_schema;
    const expected = (responseFormat(id, {}).json_schema as { name: string }).name;
    if (name !== expected)
      notes.push({
        path: ["response_format", "json_schema", "name"],
        message: `not carried over: the schema name "${name}" (dotprompt's output has none)`,
      });
    for (const key of Object.keys(others))
      notes.push({
        path: ["response_format", "json_schema", key],
        message: `not carried over: json_schema.${key}`,
      });
  }
  if (compiled.tools && compiled.tools.length > 0) {
    fm.tools = compiled.tools.map((t) => t.function.name);
    notes.push({
      path: ["tools"],
      message:
        "not carried over: the tools' definitions (dotprompt names tools; the application defines them)",
    });
  }
  for (const key of ["owners", "tests", "boundary", "providers"] as const)
    if (file[key] !== undefined)
      notes.push({
        path: [key],
        message: `not carried over: ${key} (dotprompt has no ${key === "owners" ? "owners" : "tests"})`,
      });
  return fm;
}
