import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { closestMatch } from "../schemas/did-you-mean.js";
import { jsonSchema2020Validator } from "../schemas/generated/json-schema-2020-validator.js";
import { pointerSegments, valueAtSegments } from "../schemas/json-pointer.js";
import { ajvRegExpEngine } from "../schemas/safe-regexp.js";
import { schemaPatternProblem } from "../schemas/schema-patterns.js";
import { truncate } from "../text/truncate.js";
import { canonicalJson } from "./hash.js";
import { expandVariableSchema, misplacedRoles } from "./history-messages.js";
import type { VariableSchema } from "./prompt-file.js";

export { isMessagesVariable } from "./history-messages.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Why a schema cannot be used, and where inside it when that is known. */
export class SchemaProblem extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
    readonly hint?: string,
    /** Valid JSON Schema with a pattern only the linear-time engine cannot run. */
    readonly unsupportedPattern = false,
  ) {
    super(message);
  }
}

let userAjv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction | SchemaProblem>();
const bySchemaObject = new WeakMap<object, ValidateFunction | SchemaProblem>();

// Users' schemas: not strict (they may carry editor-only keywords like `examples` or x- extensions).
function ajvForUserSchemas(): Ajv2020 {
  if (!userAjv) {
    // validateSchema is done by metaSchemaProblem below, with a validator precompiled at build time:
    // ajv compiling the 2020-12 meta-schema costs ~40 ms at the first schema of every run.
    // Patterns run on RE2 (safe-regexp.ts): a value cannot make a user's `pattern` backtrack.
    userAjv = new Ajv2020({
      allErrors: true,
      strict: false,
      validateFormats: true,
      validateSchema: false,
      code: { regExp: ajvRegExpEngine },
    });
    addFormats(userAjv);
  }
  return userAjv;
}

/** Why a schema is not valid JSON Schema (draft 2020-12), or undefined. */
function metaSchemaProblem(schema: unknown): string | undefined {
  const metaValidator = jsonSchema2020Validator();
  if (metaValidator(schema)) return undefined;
  const first = metaValidator.errors?.[0];
  return first
    ? `${first.instancePath ? `${first.instancePath.slice(1).replace(/\//g, ".")} ` : ""}${first.message ?? "is invalid"}`
    : "is not valid JSON Schema";
}

const JSON_TYPES = ["string", "number", "integer", "boolean", "object", "array", "null", "messages"];

/** Compiled once per distinct schema: many prompts share `{ type: string }`-like schemas. */
export function variableValidator(schema: VariableSchema): ValidateFunction {
  // The same schema object is validated against on every render: skip re-serialising it.
  const known = bySchemaObject.get(schema);
  if (known) {
    if (known instanceof SchemaProblem) throw known;
    return known;
  }
  const key = canonicalJson(schema);
  let entry = compiled.get(key);
  if (!entry) {
    try {
      const expanded = expandVariableSchema(schema);
      const problem = metaSchemaProblem(expanded);
      const pattern = problem ? undefined : schemaPatternProblem(schema);
      entry = problem
        ? new SchemaProblem(problem)
        : pattern
          ? new SchemaProblem(pattern.message, pattern.path, pattern.hint, pattern.unsupported === true)
          : ajvForUserSchemas().compile(expanded);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      entry = new SchemaProblem(message.replace(/^schema is invalid: /, "").split(", ")[0]!);
    }
    compiled.set(key, entry);
  }
  // Only frozen schemas (the runtime's) are safe to remember by identity: others may be edited.
  if (Object.isFrozen(schema)) bySchemaObject.set(schema, entry);
  if (entry instanceof SchemaProblem) throw entry;
  return entry;
}

/** Why a schema cannot be used, or undefined when it compiles. */
export function variableSchemaProblem(schema: VariableSchema): SchemaProblem | undefined {
  const badType = [schema.type]
    .flat()
    .find((t) => t !== undefined && !(typeof t === "string" && JSON_TYPES.includes(t)));
  if (badType !== undefined) {
    const suggestion = typeof badType === "string" ? closestMatch(badType, JSON_TYPES) : undefined;
    return new SchemaProblem(
      `type "${String(badType)}" is not one of ${JSON_TYPES.join(", ")}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
    );
  }
  if (misplacedRoles(schema)) {
    return new SchemaProblem(
      "`roles` applies only to a messages variable",
      ["roles"],
      "declare it as { type: messages, roles: [...] }, or remove `roles`",
    );
  }
  try {
    variableValidator(schema);
    return undefined;
  } catch (error) {
    if (error instanceof SchemaProblem) return error;
    throw error;
  }
}

export interface VariableProblem {
  kind: "missing" | "invalid" | "unknown" | "bad-schema";
  variable: string;
  /** Path inside the value, for "invalid" (e.g. ["customer", "name"]). */
  path: string[];
  message: string;
}

export interface CheckedVariables {
  values: Record<string, unknown>;
  problems: VariableProblem[];
}

/**
 * Validates values against the declared schemas and fills in defaults. Every declared variable
 * without a default is required: a missing one is an error, never an empty string.
 */
export function checkVariables(
  declared: Readonly<Record<string, VariableSchema>>,
  given: Readonly<Record<string, unknown>>,
): CheckedVariables {
  // No prototype, and only the caller's own keys: variables named `constructor`, `toString` or
  // `__proto__` are plain names here, neither inherited values nor a prototype to set.
  const values: Record<string, unknown> = Object.create(null);
  const problems: VariableProblem[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      problems.push({ kind: "unknown", variable: name, path: [], message: `unknown variable "${name}"` });
    }
  }
  for (const [name, schema] of Object.entries(declared)) {
    // Own values only: `given.constructor` of a plain object is Object, not a value the user gave.
    let value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined) {
      if (!("default" in schema)) {
        problems.push({ kind: "missing", variable: name, path: [], message: `missing variable "${name}"` });
        continue;
      }
      value = structuredClone(schema.default);
    }
    let validate: ValidateFunction;
    try {
      validate = variableValidator(schema);
    } catch (error) {
      const message = `variable "${name}" has an invalid schema: ${(error as Error).message}`;
      problems.push({ kind: "bad-schema", variable: name, path: [], message });
      continue;
    }
    if (!validate(value)) {
      for (const error of validate.errors ?? []) problems.push(describeInvalid(name, value, error));
    } else {
      // Defined, not assigned: `values.__proto__ = value` would replace the object's prototype.
      Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return { values, problems };
}

function describeInvalid(name: string, value: unknown, error: ErrorObject): VariableProblem {
  const path = pointerSegments(error.instancePath);
  const where = [name, ...path].join(".");
  let detail = error.message ?? "is invalid";
  if (error.keyword === "enum") detail += `: ${(error.params.allowedValues as unknown[]).join(", ")}`;
  if (error.keyword === "additionalProperties")
    detail = `has unknown property "${error.params.additionalProperty}"`;
  const found = valueAtSegments(value, path);
  const shown = typeof found === "string" ? truncate(found, 40) : found;
  const suffix =
    error.keyword === "required" || error.keyword === "additionalProperties"
      ? ""
      : ` (found ${JSON.stringify(shown)})`;
  return { kind: "invalid", variable: name, path, message: `variable ${where} ${detail}${suffix}` };
}
