import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord, type NotCarriedList } from "./not-carried.js";

export interface ImportedModel {
  provider: "openai" | "anthropic";
  name: string;
  params?: Record<string, unknown>;
}

export const PARAMS = [
  "temperature",
  "top_p",
  "max_tokens",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
];

/**
 * promptfoo providers that promptops calls the same way: `openai:<model>` (also
 * `openai:chat:<model>`) and `anthropic:messages:<model>`, as a string or `{ id, config }`.
 * Any other kind is listed, with the config keys promptops does not pass on.
 */
export function convertProviders(value: unknown, notes: NotCarriedList): ImportedModel[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const models: ImportedModel[] = [];
  items.forEach((item, i) => {
    const path: PathSegment[] = Array.isArray(value) ? ["providers", i] : ["providers"];
    const id =
      typeof item === "string" ? item : isRecord(item) && typeof item.id === "string" ? item.id : undefined;
    const model = id === undefined ? undefined : modelOf(id);
    if (!model) {
      notes.add(
        path,
        `not carried over: provider ${id === undefined ? "without an id" : `"${id}"`} (promptops imports openai:<model> and anthropic:messages:<model>)`,
      );
      return;
    }
    if (isRecord(item) && isRecord(item.config)) {
      const params: Record<string, unknown> = {};
      for (const [key, param] of Object.entries(item.config)) {
        if (PARAMS.includes(key)) params[key] = param;
        else notes.add([...path, "config", key], `not carried over: provider setting "${key}"`, "key");
      }
      if (Object.keys(params).length > 0) model.params = params;
    }
    models.push(model);
  });
  return models;
}

function modelOf(id: string): ImportedModel | undefined {
  const openai = /^openai:(?:chat:)?([^:]+)$/.exec(id);
  if (openai) return { provider: "openai", name: openai[1]! };
  const anthropic = /^anthropic:messages:([^:]+)$/.exec(id);
  if (anthropic) return { provider: "anthropic", name: anthropic[1]! };
  return undefined;
}
