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
/** How deep a value may nest when it is shown as text or handed to a filter. */
export const MAX_VALUE_DEPTH = 100;

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
 * Charges `budget` for what flattening `value` costs (showing it as text, serialising it, a filter
 * walking it): every string, number and key it reaches, a shared list counted each time it is
 * reached, as flattening reaches it. A template can build a list of 40 levels that refers to
 * itself twice at each level (`{% set a = [a, a] %}` in a loop): small to hold, 2^40 items to
 * show. The walk stops at the budget, so it costs at most the budget, and at MAX_VALUE_DEPTH.
 */
export function spendFlattened(value: unknown, budget: RenderBudget, depth = 0): void {
  if (typeof value === "string") {
    budget.spend(value.length);
    return;
  }
  if (typeof value !== "object" || value === null || value instanceof SafeString) {
    budget.spend(1);
    return;
  }
  if (depth >= MAX_VALUE_DEPTH)
    throw new TemplateRenderError(`a value nests more than ${MAX_VALUE_DEPTH} levels deep`);
  budget.spend(1);
  if (Array.isArray(value)) {
    for (const item of value) spendFlattened(item, budget, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    budget.spend(key.length);
    spendFlattened((value as Record<string, unknown>)[key], budget, depth + 1);
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
export function toText(value: unknown, budget: RenderBudget = new RenderBudget()): string {
  if (Array.isArray(value)) spendFlattened(value, budget);
  return textOf(value);
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return String(value);
  if (value instanceof SafeString) return String(value);
  if (Array.isArray(value))
    return value.map((item) => (item === null || item === undefined ? "" : textOf(item))).join(",");
  return "[object Object]";
}

/** Objects as JavaScript operators see them (their text); everything else unchanged. */
export function primitive(value: unknown, budget?: RenderBudget): unknown {
  return typeof value === "object" && value !== null ? toText(value, budget) : value;
}
