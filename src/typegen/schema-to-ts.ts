import { DEFAULT_HISTORY_ROLES, isMessagesVariable, MESSAGE_ROLES } from "../prompt/history-messages.js";

/**
 * JSON Schema to a TypeScript type, for the subset prompt variables use: types, enum, const,
 * anyOf/oneOf, arrays, objects with required keys. Anything it cannot express becomes `unknown`,
 * which is always safe. A dependency (json-schema-to-typescript) would pull in a formatter and
 * megabytes for this.
 */
export function schemaToTs(schema: unknown, indent = ""): string {
  if (schema === true || schema === undefined) return "unknown";
  if (schema === false) return "never";
  if (typeof schema !== "object" || schema === null) return "unknown";
  const s = schema as Record<string, unknown>;
  if (isMessagesVariable(s)) {
    const item = chatMessageType(s.roles);
    return item === "ChatMessage" ? "ChatMessage[]" : `Array<${item}>`;
  }
  if (typeof s.$ref === "string") return s.$ref.endsWith("/message") ? chatMessageType(undefined) : "unknown";
  if ("const" in s) return literal(s.const);
  if (Array.isArray(s.enum)) return union(s.enum.map(literal));
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) return union(alternatives.map((a) => schemaToTs(a, indent)));
  if (Array.isArray(s.type)) return union(s.type.map((t) => schemaToTs({ ...s, type: t }, indent)));
  switch (s.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = schemaToTs(s.items, indent);
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case "object":
      return objectType(s, indent);
    default:
      return s.properties ? objectType(s, indent) : "unknown";
  }
}

/** A history's messages, with the roles it accepts (history-messages.ts): no `system` by default. */
function chatMessageType(roles: unknown): string {
  const allowed = Array.isArray(roles) ? roles.map(String) : DEFAULT_HISTORY_ROLES;
  if (MESSAGE_ROLES.every((role) => allowed.includes(role))) return "ChatMessage";
  return `ChatMessage & { role: ${union(allowed.map(literal))} }`;
}

function objectType(s: Record<string, unknown>, indent: string): string {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const inner = `${indent}  `;
  const members = Object.entries(properties).map(
    ([key, value]) =>
      `${inner}${propertyKey(key)}${required.has(key) ? "" : "?"}: ${schemaToTs(value, inner)};`,
  );
  if (s.additionalProperties !== false && (s.additionalProperties !== undefined || members.length === 0)) {
    const extra =
      s.additionalProperties === true || s.additionalProperties === undefined
        ? "unknown"
        : schemaToTs(s.additionalProperties, inner);
    members.push(`${inner}[key: string]: ${extra};`);
  }
  return members.length === 0 ? "Record<string, never>" : `{\n${members.join("\n")}\n${indent}}`;
}

export function propertyKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

function literal(value: unknown): string {
  return value === null || ["string", "number", "boolean"].includes(typeof value)
    ? JSON.stringify(value)
    : "unknown";
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
}
