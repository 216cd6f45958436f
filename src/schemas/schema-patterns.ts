import { type RegexProblem, regexProblem } from "./safe-regexp.js";

export interface PatternProblem extends RegexProblem {
  /** Where the pattern sits inside the schema, e.g. ["properties", "code", "pattern"]. */
  path: string[];
}

// Keywords whose values are data, not schemas: a `pattern` key inside them is not a pattern.
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples"]);

/**
 * The first `pattern` or `patternProperties` key of a JSON Schema that cannot run on the
 * linear-time engine, with its place, so that `validate` points at the pattern itself.
 * Patterns are ECMAScript regexes with the `u` flag, as ajv compiles them.
 */
export function schemaPatternProblem(schema: unknown, path: string[] = []): PatternProblem | undefined {
  if (schema === null || typeof schema !== "object") return undefined;
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) {
      const found = schemaPatternProblem(item, [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  const record = schema as Record<string, unknown>;
  if (typeof record.pattern === "string") {
    const problem = regexProblem(record.pattern, "u");
    if (problem) return { ...problem, path: [...path, "pattern"] };
  }
  const patternProperties = record.patternProperties;
  if (patternProperties && typeof patternProperties === "object" && !Array.isArray(patternProperties)) {
    for (const key of Object.keys(patternProperties)) {
      const problem = regexProblem(key, "u");
      if (problem) return { ...problem, path: [...path, "patternProperties", key] };
    }
  }
  for (const [key, value] of Object.entries(record)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const found = schemaPatternProblem(value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
