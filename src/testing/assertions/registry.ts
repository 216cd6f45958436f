import { ASSERTION_TYPES, type AssertionType } from "../../prompt/prompt-file.js";
import type { AssertionHandler } from "./context.js";
import { javascriptAssertions } from "./javascript.js";
import { jsonAssertions } from "./json.js";
import { limitAssertions } from "./limits.js";
import { refusalAssertions } from "./refusal.js";
import { regexAssertions } from "./regex.js";
import { textAssertions } from "./text.js";

const builtIn: Record<string, AssertionHandler> = {
  ...textAssertions,
  ...regexAssertions,
  ...jsonAssertions,
  ...limitAssertions,
  ...javascriptAssertions,
  ...refusalAssertions,
};

/** What each provider-backed type waits for, for the message when the runner has not plugged it in. */
export const PROVIDER_BACKED: Partial<Record<AssertionType, string>> = {
  "llm-judge": "a judge provider",
  similar: "a similarity provider",
};

const registered = new Map<string, AssertionHandler>();

/**
 * Plugs in the handler for a provider-backed type (`llm-judge`, `similar`), or replaces a
 * built-in one. Returns a function that restores what was there before. The set of types is
 * closed: a type outside ASSERTION_TYPES would pass `promptops validate` nowhere, so it throws.
 */
export function registerAssertion(type: AssertionType, handler: AssertionHandler): () => void {
  if (!(ASSERTION_TYPES as readonly string[]).includes(type))
    throw new TypeError(`registerAssertion: "${type}" is not an assertion type`);
  if (typeof handler !== "function")
    throw new TypeError(`registerAssertion: the handler for "${type}" is not a function`);
  const previous = registered.get(type);
  registered.set(type, handler);
  return () => {
    if (previous) registered.set(type, previous);
    else registered.delete(type);
  };
}

export function assertionHandler(type: string): AssertionHandler | undefined {
  return registered.get(type) ?? (Object.hasOwn(builtIn, type) ? builtIn[type] : undefined);
}
