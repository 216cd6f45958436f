import type { VariableSchema } from "./prompt-file.js";
import { isMessagesVariable } from "./variables.js";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV cell as the value its variable's schema asks for: every cell is text, but a column of
 * `{ type: integer }` means numbers, and one of `{ type: object }` holds JSON. A cell that does not
 * read as the type stays text, so the schema's own message says what is wrong with it. An empty
 * cell is "" for a string variable and absent otherwise (its default applies, or it is missing).
 */
export function csvCellReader(schema: VariableSchema): (cell: string) => unknown {
  const types = typesOf(schema);
  if (types.includes("string") || types.length === 0) return (cell) => cell;
  return (cell) => typedValue(types, cell);
}

function typedValue(types: readonly string[], cell: string): unknown {
  if (cell.trim() === "") return undefined;
  const text = cell.trim();
  if ((types.includes("number") || types.includes("integer")) && NUMBER.test(text)) return Number(text);
  if (types.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  if (types.includes("null") && text === "null") return null;
  if (types.includes("object") || types.includes("array")) {
    try {
      return JSON.parse(text);
    } catch {
      return cell;
    }
  }
  return cell;
}

function typesOf(schema: VariableSchema): string[] {
  if (isMessagesVariable(schema)) return ["array"];
  const { type } = schema;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return [];
}
