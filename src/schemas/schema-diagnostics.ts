import type { ErrorObject } from "ajv";
import type { Diagnostic } from "../diagnostics.js";
import { redactSecrets } from "../redact-secrets.js";
import { truncate } from "../text/truncate.js";
import type { PathSegment, YamlSource } from "../yaml/yaml-source.js";
import { closestMatch } from "./did-you-mean.js";
import { type ExplainingError, explainingErrors } from "./explaining-errors.js";
import { pointerSegments } from "./json-pointer.js";

/** Keys users put in the wrong place, mapped to where they belong (for "did you mean"). */
export type KnownKeyPaths = Readonly<Record<string, string>>;

function displayPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? "top level" : path.join(".");
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  // Redacted before it is cut: a key pasted where a reference belongs (signing.key) stays hidden.
  if (typeof value === "string") return JSON.stringify(truncate(redactSecrets(value), 40));
  return String(value);
}

const typeNames: Record<string, string> = {
  object: "a map",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  null: "null",
};

export function schemaDiagnostics(
  source: YamlSource,
  errors: ErrorObject[] | null | undefined,
  codePrefix: string,
  knownKeyPaths: KnownKeyPaths = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of explainingErrors(errors ?? [])) {
    const path: PathSegment[] = pointerSegments(error.instancePath);
    let target: "key" | "value" = "value";
    let message: string;
    let hint: string | undefined;
    const where = displayPath(path);
    switch (error.keyword) {
      case "additionalProperties": {
        const key = String(error.params.additionalProperty);
        path.push(key);
        target = "key";
        const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
        const sibling = closestMatch(key, allowed);
        // Own keys only: "__proto__" or "constructor" must not find Object.prototype's members.
        const near = Object.hasOwn(knownKeyPaths, key) ? key : closestMatch(key, Object.keys(knownKeyPaths));
        const elsewhere =
          near !== undefined && Object.hasOwn(knownKeyPaths, near) ? knownKeyPaths[near] : undefined;
        message = `unknown key "${key}" in ${where}`;
        if (sibling) message += ` (did you mean "${sibling}"?)`;
        else if (elsewhere) message += ` (did you mean "${elsewhere}"?)`;
        else if (allowed.length > 0 && allowed.length <= 12)
          hint = `allowed keys here: ${allowed.join(", ")}`;
        break;
      }
      case "false schema": {
        target = "key";
        message = `key "${path.at(-1)}" is not allowed here`;
        break;
      }
      case "required":
        message = `missing required key "${error.params.missingProperty}" in ${where}`;
        break;
      case "type":
        message = `${where} must be ${typeNames[String(error.params.type)] ?? error.params.type}, found ${describeValue(error.data)}`;
        break;
      case "anyOf": {
        const expected = (error as ExplainingError).expected ?? [];
        const names = expected.map((t) => typeNames[t] ?? t);
        message =
          names.length > 0
            ? `${where} must be ${names.join(" or ")}, found ${describeValue(error.data)}`
            : `${where} is not valid here (found ${describeValue(error.data)})`;
        break;
      }
      case "enum": {
        const allowed = (error.params.allowedValues as unknown[]).map(String);
        const suggestion = typeof error.data === "string" ? closestMatch(error.data, allowed) : undefined;
        message = `${where} must be one of ${allowed.join(", ")}, found ${describeValue(error.data)}`;
        if (suggestion) message += ` (did you mean "${suggestion}"?)`;
        break;
      }
      case "const":
        message = `${where} must be ${describeValue(error.params.allowedValue)}, found ${describeValue(error.data)}`;
        break;
      case "propertyNames":
        target = "key";
        path.push(String(error.params.propertyName));
        message = `invalid name "${error.params.propertyName}" in ${where}`;
        hint = describeSchema(error.schema);
        break;
      case "pattern":
        // propertyNames failures are reported by their own error, at the key.
        if (errors?.some((e) => e.keyword === "propertyNames" && e.instancePath === error.instancePath))
          continue;
        message = `${where} ${describeValue(error.data)} does not match the pattern ${error.params.pattern}`;
        break;
      case "maxProperties":
      case "minProperties":
        message = `${where} ${error.message}`;
        // The assertion's own limits, or those of its if/then/else on `weight` (titled alike).
        if (error.parentSchema?.title === "Assertion") {
          const keys = Object.keys((error.data as object) ?? {});
          message =
            keys.length === 0 || (keys.length === 1 && keys[0] === "weight")
              ? `${where} is an empty assertion${keys.length > 0 ? " (a weight, and no type)" : ""}`
              : `${where} has ${keys.length} keys (${keys.join(", ")}); an assertion is a one-key map (plus an optional weight)`;
          hint = "write each check as its own list item, e.g. `- contains: refund` then `- max-length: 400`";
        }
        break;
      default:
        message = `${where} ${error.message ?? "is invalid"} (found ${describeValue(error.data)})`;
    }
    const { line, col } = source.locate(path, target);
    const dedupeKey = `${line}:${col}:${message}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    diagnostics.push({
      file: source.file,
      line,
      col,
      severity: "error",
      code: `${codePrefix}-schema`,
      message,
      ...(hint ? { hint } : {}),
    });
  }
  return diagnostics;
}

function describeSchema(schema: unknown): string | undefined {
  if (schema && typeof schema === "object" && "pattern" in schema)
    return `names must match ${schema.pattern}`;
  if (
    schema &&
    typeof schema === "object" &&
    "$ref" in schema &&
    String(schema.$ref).endsWith("variableName")
  )
    return "variable names are identifiers: letters, digits and _, not starting with a digit";
  return undefined;
}
