import { isDeepStrictEqual } from "node:util";
import { type JsonSchema, picoschemaToJsonSchema } from "./picoschema.js";

const SCALARS = new Set(["boolean", "integer", "null", "number", "string"]);

/**
 * An object schema written as Picoschema, dotprompt's own notation, when Picoschema says exactly
 * the same: the result is read back with the import's parser and compared, else undefined (the
 * caller keeps JSON Schema).
 */
export function toPicoschema(schema: JsonSchema): Record<string, unknown> | undefined {
  const pico = objectFields(schema);
  if (!pico) return undefined;
  try {
    return isDeepStrictEqual(picoschemaToJsonSchema(pico), schema) ? pico : undefined;
  } catch {
    return undefined;
  }
}

function objectFields(schema: JsonSchema): Record<string, unknown> | undefined {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== "object" || !properties) return undefined;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (/[?(),]/.test(name)) return undefined;
    const field = fieldOf(property);
    if (!field) return undefined;
    const key = `${name}${required.has(name) ? "" : "?"}${field.paren ?? ""}`;
    out[key] = field.value;
  }
  return out;
}

/** The key suffix and value of one property: `name: string, desc`, `name(array, desc): …`. */
function fieldOf(property: JsonSchema): { paren?: string; value: unknown } | undefined {
  const description = property.description;
  if (description !== undefined && (typeof description !== "string" || /\n|\)/.test(description)))
    return undefined;
  const desc = description ? `, ${description}` : "";
  const types = Array.isArray(property.type) ? property.type.filter((t) => t !== "null") : [property.type];
  const type = types[0];
  if (Array.isArray(property.enum))
    return { paren: `(enum${desc})`, value: property.enum.filter((v) => v !== null) };
  if (type === "array") {
    const items = property.items as JsonSchema | undefined;
    const inner = items ? itemValue(items) : undefined;
    return inner === undefined ? undefined : { paren: `(array${desc})`, value: inner };
  }
  if (type === "object") {
    const inner = objectFields(property);
    return inner ? { paren: `(object${desc})`, value: inner } : undefined;
  }
  if (typeof type === "string" && SCALARS.has(type)) return { value: `${type}${desc}` };
  if (type === undefined && Object.keys(property).every((k) => k === "description"))
    return { value: `any${desc}` };
  return undefined;
}

function itemValue(items: JsonSchema): unknown {
  if (items.type === "object") return objectFields(items);
  const field = fieldOf(items);
  return field && field.paren === undefined ? field.value : undefined;
}
