import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { packageFile } from "../startup/package-root.js";
import { configValidator } from "./generated/config-validator.js";
import { lockfileValidator } from "./generated/lockfile-validator.js";
import { promptValidator } from "./generated/prompt-validator.js";
import { resultsValidator } from "./generated/results-validator.js";

export type SchemaName = "prompt" | "config" | "lockfile" | "results";

/** A schema's JSON as shipped in schemas/ (the CLI and tests; the runtime reads no file). */
export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(packageFile("schemas", `${name}.schema.json`), "utf8"));
}

const validators: Record<SchemaName, () => ValidateFunction> = {
  prompt: promptValidator,
  config: configValidator,
  lockfile: lockfileValidator,
  results: resultsValidator,
};

/**
 * Our own schemas, compiled at build time (scripts/compile-schemas.mjs): strict, every error at
 * once, with the schema that failed (for "did you mean"). Code that can import its one validator
 * directly does, so that a bundle holds only what it uses.
 */
export function schemaValidator(name: SchemaName): ValidateFunction {
  return validators[name]();
}
