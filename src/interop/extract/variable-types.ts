import type * as TS from "@typescript/typescript6";
import type { ExtractedVariable } from "./extracted-prompt.js";
import type { TypeScriptApi } from "./load-typescript.js";

/**
 * The JSON Schema type of an interpolated value, from its TypeScript type, and what cannot be
 * proven: JavaScript's `${x}` writes `undefined`, `null` and `[object Object]` where a prompt's
 * strict render refuses a missing value or writes an object differently. An untyped value (`any`,
 * JavaScript without types) is passed as `String(value)`, the very text `${value}` writes, so the
 * rewritten call sends what the code sent whatever the value turns out to be (`undefined` included).
 */
export function variableTypeOf(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  expr: TS.Expression,
): Pick<ExtractedVariable, "type" | "asText"> & { unprovable?: string } {
  const type = checker.getTypeAtLocation(expr);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { type: "string", asText: true };
  const kinds = new Set<string>();
  for (const part of type.isUnion() ? type.types : [type]) kinds.add(kindOf(ts, part));
  const text = checker.typeToString(type);
  if (kinds.has("nullish"))
    return {
      unprovable: `\`${expr.getText()}\` may be null or undefined (type ${text}): the code would send "undefined" or "null", the prompt refuses a missing value`,
    };
  if (kinds.has("other"))
    return {
      unprovable: `\`${expr.getText()}\` is not text, a number or a boolean (type ${text}): the prompt would not write it as JavaScript does`,
    };
  if (kinds.size === 1) return { type: [...kinds][0] as "string" | "number" | "boolean" };
  return {
    unprovable: `\`${expr.getText()}\` has a mixed type (${text}): declare one type and extract again`,
  };
}

function kindOf(ts: TypeScriptApi, type: TS.Type): string {
  const flags = type.flags;
  if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) return "nullish";
  if (flags & ts.TypeFlags.StringLike) return "string";
  if (flags & ts.TypeFlags.NumberLike) return "number";
  if (flags & ts.TypeFlags.BooleanLike) return "boolean";
  return "other";
}
