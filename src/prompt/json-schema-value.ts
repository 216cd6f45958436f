/**
 * A `json-schema` value: the schema itself, or `{ schema, allowFence }`. The wrapper is told apart by
 * its keys: `schema` and `allowFence` are no JSON Schema keywords, so no schema is read as one.
 */
export function jsonSchemaOf(
  value: unknown,
): { schema: Record<string, unknown>; allowFence: boolean } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (!isWrapper(record)) return { schema: record, allowFence: false };
  const { schema, allowFence } = record;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return undefined;
  if (allowFence !== undefined && typeof allowFence !== "boolean") return undefined;
  return { schema: schema as Record<string, unknown>, allowFence: allowFence === true };
}

function isWrapper(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.includes("schema") && keys.every((key) => key === "schema" || key === "allowFence");
}
