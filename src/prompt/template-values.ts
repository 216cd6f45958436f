import nunjucksRuntime from "nunjucks/src/runtime.js";

const { SafeString } = nunjucksRuntime;

/**
 * What a template may touch, in one place: values are data (strings, numbers, booleans, null,
 * arrays and objects); a lookup reads an own data property and nothing else, so no prototype,
 * getter or function is ever reached; every text, list and loop a template makes is bounded.
 */

/** Names that lead from data to code in JavaScript; refused as literal lookups by the policy. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set([
  "constructor",
  "prototype",
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

/** Longest list `range()` makes: enough for any prompt, far from exhausting memory. */
export const MAX_RANGE = 10_000;
/** Loop iterations one render may run, all loops together. */
export const MAX_ITERATIONS = 100_000;
/** Characters one render may produce, all output, concatenations and filter results together. */
export const MAX_PRODUCED_CHARS = 32 * 1024 * 1024;

/** A render-time failure inside a template; position is 0-based, as the parser counts. */
export class TemplateRenderError extends Error {
  constructor(
    message: string,
    readonly line0?: number,
    readonly col0?: number,
  ) {
    super(message);
  }
}

/** Per-render budget, so that no template can spend unbounded memory or time. */
export class RenderBudget {
  private chars = 0;
  private iterations = 0;

  spend(chars: number): void {
    this.chars += chars;
    if (this.chars > MAX_PRODUCED_CHARS)
      throw new TemplateRenderError(
        `the template produces more than ${MAX_PRODUCED_CHARS / 1024 / 1024} MiB of text`,
      );
  }

  iterate(): void {
    if (++this.iterations > MAX_ITERATIONS)
      throw new TemplateRenderError(`the template's loops run more than ${MAX_ITERATIONS} times`);
  }
}

/**
 * `obj[key]` when it is an own data property holding data; undefined otherwise (as Nunjucks reads
 * a missing property). Strings expose their characters and length.
 */
export function safeMember(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  if (typeof key !== "string" && typeof key !== "number") return undefined;
  if (typeof obj === "string") {
    if (key === "length") return obj.length;
    const index = typeof key === "number" ? key : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
    return Number.isInteger(index) && index >= 0 && index < obj.length ? obj[index] : undefined;
  }
  if (typeof obj !== "object" || obj instanceof SafeString) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  if (descriptor === undefined || !("value" in descriptor)) return undefined;
  return dataOnly(descriptor.value);
}

/** Functions (and symbols) are never template values: reading one reads nothing. */
export function dataOnly(value: unknown): unknown {
  return typeof value === "function" || typeof value === "symbol" ? undefined : value;
}

/**
 * A value as JavaScript's String() shows it, without calling any method of the value: arrays join
 * with commas (null and undefined as empty), other objects show as "[object Object]", as Nunjucks
 * prints them.
 */
export function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return String(value);
  if (value instanceof SafeString) return String(value);
  if (Array.isArray(value))
    return value.map((item) => (item === null || item === undefined ? "" : toText(item))).join(",");
  return "[object Object]";
}

/** Objects as JavaScript operators see them (their text); everything else unchanged. */
export function primitive(value: unknown): unknown {
  return typeof value === "object" && value !== null ? toText(value) : value;
}
