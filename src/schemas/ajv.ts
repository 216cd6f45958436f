import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { packageFile } from "../package-root.js";
import { precompiledValidator } from "./precompiled-validators.js";
import { ajvRegExpEngine } from "./safe-regexp.js";

// ajv-formats ships CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type SchemaName = "prompt" | "config" | "lockfile" | "results";

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(packageFile("schemas", `${name}.schema.json`), "utf8"));
}

let ownAjv: Ajv2020 | undefined;
const validators = new Map<SchemaName, ValidateFunction>();

/** Our own schemas: strict, every error at once, with the schema that failed (for "did you mean"). */
function ownSchemas(): Ajv2020 {
  if (!ownAjv) {
    // strictRequired is off: if/then blocks name properties declared by the enclosing schema.
    ownAjv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
      code: { regExp: ajvRegExpEngine },
    });
    addFormats(ownAjv);
  }
  return ownAjv;
}

/**
 * The build precompiles our schemas (scripts/compile-schemas.mjs); from source (tests) they are
 * compiled here, once per process, with the same options.
 */
export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = precompiledValidator<ValidateFunction>(name) ?? ownSchemas().compile(readSchema(name));
    validators.set(name, validate);
  }
  return validate;
}
