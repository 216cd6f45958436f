import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord } from "../promptfoo/not-carried.js";
import { PARAMS } from "../promptfoo/promptfoo-providers.js";
import type { PromptyNotes } from "./prompty-notes.js";

export interface ImportedModelParts {
  model?: { provider: "openai"; name: string; params?: Record<string, unknown> };
  response_format?: Record<string, unknown>;
  tools?: unknown[];
}

const RESPONSE_FORMATS = new Set(["text", "json_object", "json_schema"]);

/**
 * Prompty's `model:` — `api`, `configuration` (how to reach the model: type openai, azure_openai
 * or serverless, endpoints, keys) and `parameters`. Only what says which model and how to call it
 * is carried over; endpoints, versions and keys (often `${env:…}` references) are configuration or
 * secrets, listed by name and never copied.
 */
export function convertModel(value: unknown, notes: PromptyNotes): ImportedModelParts {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    notes.add(["model"], "not carried over: `model` is not a map");
    return {};
  }
  const parts: ImportedModelParts = {};
  for (const key of Object.keys(value))
    if (!["api", "configuration", "connection", "parameters", "options", "response"].includes(key))
      notes.add(["model", key], `not carried over: model setting "${key}"`, "key");
  if (value.api !== undefined && value.api !== "chat")
    notes.add(
      ["model", "api"],
      `not carried over: api "${String(value.api)}" (promptops calls chat models; the prompt is carried over as chat messages)`,
    );
  if (value.response !== undefined && value.response !== "first")
    notes.add(
      ["model", "response"],
      `not carried over: response "${String(value.response)}" (promptops returns the first choice)`,
    );
  const configKey = "configuration" in value ? "configuration" : "connection";
  const name = modelName(value[configKey], configKey, notes);
  const paramsKey = "parameters" in value ? "parameters" : "options";
  const params = convertParameters(value[paramsKey], paramsKey, notes, parts);
  if (name) parts.model = { provider: "openai", name, ...(params ? { params } : {}) };
  else if (params)
    notes.add(["model", paramsKey], "not carried over: parameters without a model to apply them to");
  return parts;
}

function modelName(config: unknown, key: string, notes: PromptyNotes): string | undefined {
  if (config === undefined) {
    notes.add(["model"], "no model configuration: the prompt names no model", "key", "review");
    return undefined;
  }
  if (!isRecord(config)) {
    notes.add(["model", key], `not carried over: \`${key}\` is not a map`);
    return undefined;
  }
  const type = config.type;
  const nameKey = type === "azure_openai" ? "azure_deployment" : "name";
  for (const setting of Object.keys(config)) {
    if (setting === "type" || setting === nameKey) continue;
    const secret = typeof config[setting] === "string" && /\$\{env:/.test(config[setting] as string);
    notes.add(
      ["model", key, setting],
      `not carried over: ${key} "${setting}"${secret ? " (an environment reference: its value is never copied; promptops reads API keys from the environment itself)" : ""}`,
      "key",
    );
  }
  const name = config[nameKey];
  const path: PathSegment[] = ["model", key, nameKey];
  if (type !== "openai" && type !== "azure_openai") {
    notes.add(
      type === undefined ? ["model", key] : ["model", key, "type"],
      type === undefined
        ? `not carried over: a ${key} without a type (Prompty takes it from prompty.json, which the import does not read)`
        : `not carried over: a model of type "${String(type)}" (promptops imports openai and azure_openai models)`,
    );
    return undefined;
  }
  if (typeof name !== "string" || name === "" || name.includes("${")) {
    notes.add(
      type === undefined ? ["model", key] : path,
      `not carried over: the model's ${nameKey} (no model name to carry over)`,
    );
    return undefined;
  }
  if (type === "azure_openai")
    notes.add(
      path,
      `the Azure deployment "${name}" became the OpenAI model "${name}": promptops calls OpenAI-compatible APIs; name the model your deployment serves`,
      "value",
      "review",
    );
  return name;
}

function convertParameters(
  value: unknown,
  key: string,
  notes: PromptyNotes,
  parts: ImportedModelParts,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    notes.add(["model", key], `not carried over: \`${key}\` is not a map`);
    return undefined;
  }
  const params: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(value)) {
    const path = ["model", key, name];
    if (PARAMS.includes(name)) params[name] = param;
    else if (name === "response_format" && isRecord(param) && RESPONSE_FORMATS.has(String(param.type)))
      parts.response_format = param;
    else if (
      name === "tools" &&
      Array.isArray(param) &&
      param.every((t) => isRecord(t) && t.type === "function")
    )
      parts.tools = param;
    else notes.add(path, `not carried over: parameter "${name}"`, "key");
  }
  return Object.keys(params).length > 0 ? params : undefined;
}
