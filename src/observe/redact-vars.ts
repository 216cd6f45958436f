/** What a redacted value is written as: the reader sees that the variable was there. */
export const REDACTED_VALUE = "[redacted]";

/** A redact path split once, when loadPrompts starts: "customer.email" -> ["customer", "email"]. */
export type RedactPath = readonly string[];

/**
 * "customer.email", "history.*.content": dot-separated keys; `*` is any key or array index.
 * Empty segments ("a..b", ".a") are refused by the options check, not here.
 */
export function parseRedactPath(path: string): RedactPath {
  return path.split(".");
}

/**
 * The variables as they may be written: each redacted path's value replaced by "[redacted]".
 * Only the objects along a redacted path are copied; the application's own objects are never
 * changed, and everything else is shared (the record is serialised at once, so sharing is safe).
 */
export function redactVars(vars: unknown, paths: readonly RedactPath[]): unknown {
  let result = vars;
  for (const path of paths) result = redactPath(result, path, 0);
  return result;
}

function redactPath(value: unknown, path: RedactPath, at: number): unknown {
  if (value === null || typeof value !== "object") return value;
  const key = path[at]!;
  const last = at === path.length - 1;
  const keys = key === "*" ? Object.keys(value) : Object.hasOwn(value, key) ? [key] : [];
  if (keys.length === 0) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const target = copy as Record<string, unknown>;
  for (const k of keys) {
    target[k] = last ? REDACTED_VALUE : redactPath(target[k], path, at + 1);
  }
  return copy;
}
