// OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) key shapes. Reporters only see results, but
// a provider's error text or a model's reply can echo a key back, and reports end up in CI logs.
const API_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;

export const REDACTED = "sk-…[redacted]";

/** Replaces anything shaped like an API key in one piece of text. */
export function redactSecrets(text: string): string {
  return text.replace(API_KEY, REDACTED);
}

/**
 * Every string of a JSON-like value, redacted. Reporters apply it to the results before
 * formatting: once escaped ("\nsk-…" in JSON, "%0Ask-…" in annotations) a key no longer starts
 * at a word boundary.
 */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, redactSecrets);
}

/** A copy of a JSON-like value with `fn` applied to every string in it (keys excepted). */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === "string") return fn(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, fn);
    return out as T;
  }
  return value;
}
