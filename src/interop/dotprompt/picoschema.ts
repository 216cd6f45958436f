/**
 * Picoschema (dotprompt's compact schema notation) to JSON Schema, as dotprompt's own
 * js/src/picoschema.ts does it, minus named schemas: those live in the application that registers
 * them, so the import cannot see them and says so.
 */

const SCALAR_TYPES = new Set(["any", "boolean", "integer", "null", "number", "string"]);
const WILDCARD = "(*)";

export type JsonSchema = Record<string, unknown>;

/** A schema the import cannot read, and where inside it (keys from the schema's root). */
export class PicoschemaProblem extends Error {
  constructor(
    message: string,
    readonly path: string[],
  ) {
    super(message);
  }
}

/** Picoschema or JSON Schema (told apart as dotprompt does) to JSON Schema. */
export function picoschemaToJsonSchema(schema: unknown): JsonSchema | null {
  if (!schema) return null;
  if (typeof schema === "string") return scalar(schema, []);
  const type = (schema as { type?: unknown }).type;
  if (typeof type === "string" && (SCALAR_TYPES.has(type) || type === "object" || type === "array"))
    return schema as JsonSchema;
  if (typeof (schema as { properties?: unknown }).properties === "object")
    return { ...(schema as JsonSchema), type: "object" };
  return parsePico(schema, []);
}

function scalar(text: string, path: string[]): JsonSchema {
  const [type, description] = splitDescription(text);
  if (!SCALAR_TYPES.has(type))
    throw new PicoschemaProblem(
      `the named schema "${type}" is registered in the application, not in the file`,
      path,
    );
  if (type === "any") return description ? { description } : {};
  return description ? { type, description } : { type };
}

function parsePico(value: unknown, path: string[]): JsonSchema {
  if (typeof value === "string") return scalar(value, path);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PicoschemaProblem("Picoschema is made of maps and type strings", path);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const schema: JsonSchema = { type: "object", properties, required, additionalProperties: false };
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, key];
    if (key === WILDCARD) {
      schema.additionalProperties = parsePico(inner, at);
      continue;
    }
    const open = key.indexOf("(");
    const name = open === -1 ? key : key.slice(0, open);
    const optional = name.endsWith("?");
    const property = optional ? name.slice(0, -1) : name;
    if (!optional) required.push(property);
    if (open === -1) {
      const prop = { ...parsePico(inner, at) };
      // dotprompt makes every optional field nullable too.
      if (optional && typeof prop.type === "string") prop.type = [prop.type, "null"];
      properties[property] = prop;
      continue;
    }
    const [type, description] = splitDescription(key.slice(open + 1, key.endsWith(")") ? -1 : undefined));
    let prop: JsonSchema;
    if (type === "array")
      prop = { type: optional ? ["array", "null"] : "array", items: parsePico(inner, at) };
    else if (type === "object") {
      prop = parsePico(inner, at);
      if (optional) prop.type = [prop.type, "null"];
    } else if (type === "enum") {
      if (!Array.isArray(inner)) throw new PicoschemaProblem("an (enum) lists its values", at);
      prop = { enum: optional && !inner.includes(null) ? [...inner, null] : [...inner] };
    } else throw new PicoschemaProblem(`a type in parentheses is object, array or enum, not "${type}"`, at);
    if (description) prop.description = description;
    properties[property] = prop;
  }
  if (required.length === 0) delete schema.required;
  return schema;
}

/** "string, the user's name" → ["string", "the user's name"]. */
function splitDescription(text: string): [string, string | undefined] {
  const comma = text.indexOf(",");
  if (comma === -1) return [text, undefined];
  return [text.slice(0, comma), text.slice(comma + 1).replace(/^ */, "")];
}
