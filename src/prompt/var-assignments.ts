import { parse as parseYaml } from "yaml";
import { PromptOpsError } from "../errors.js";
import type { VariableSchema } from "./prompt-file.js";

/**
 * Applies `name=value` assignments (from `--var`). A value stays the string the user typed
 * unless the declared schema wants a number, boolean, list or map: then it is read as YAML,
 * so `--var maxBullets=3` and `--var 'customer={name: Ann}'` do what they say.
 */
export function applyVarAssignments(
  vars: Record<string, unknown>,
  assignments: readonly string[],
  declared: Readonly<Record<string, VariableSchema>>,
): Record<string, unknown> {
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      throw new PromptOpsError("var-syntax", `--var expects name=value, got "${assignment}"`, {
        exitCode: 2,
      });
    }
    const path = assignment.slice(0, eq).split(".");
    const raw = assignment.slice(eq + 1);
    let target = vars;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(target, key) ? target[key] : undefined;
      if (typeof next !== "object" || next === null || Array.isArray(next)) setOwn(target, key, {});
      target = target[key] as Record<string, unknown>;
    }
    const name = path[0]!;
    const wantsString =
      path.length === 1 && wantsText(Object.hasOwn(declared, name) ? declared[name] : undefined);
    setOwn(target, path.at(-1)!, wantsString ? raw : parseScalarOrText(raw));
  }
  return vars;
}

/**
 * An own property whatever the name: `target["__proto__"] = {}` would set the object's prototype,
 * and `--var __proto__.x=1` would then write into Object.prototype for the whole process.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function wantsText(schema: VariableSchema | undefined): boolean {
  if (!schema) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes("string") || schema.type === undefined;
}

function parseScalarOrText(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}
