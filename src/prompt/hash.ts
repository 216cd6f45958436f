import { createHash } from "node:crypto";
import type { CompiledPrompt } from "./prompt-file.js";

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no insignificant whitespace, undefined
 * members dropped. Part of the contract: every published version's hash is computed this way, so
 * any change here needs a new hash prefix.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

export const HASH_PREFIX = "sha256:";

export function hashCompiledPrompt(compiled: CompiledPrompt): string {
  return HASH_PREFIX + createHash("sha256").update(canonicalJson(compiled), "utf8").digest("hex");
}
