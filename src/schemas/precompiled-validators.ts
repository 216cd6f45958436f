import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * A validator the build compiled ahead of time (scripts/compile-schemas.mjs), or undefined when
 * running from source (tests compile the schemas at run time). The CLI bundle replaces this module
 * with one that holds the validators in the bundle (scripts/bundle-cli.mjs).
 */
export function precompiledValidator<T>(name: string): T | undefined {
  const file = new URL(`${name}.validate.cjs`, import.meta.url);
  return existsSync(file) ? (createRequire(import.meta.url)(fileURLToPath(file)) as T) : undefined;
}
