import { ASSERTION_TYPES, type AssertionType } from "../../prompt/prompt-file.js";
import type { AssertionHandler } from "./context.js";
import { finishReasonAssertions } from "./finish-reason.js";
import { javascriptAssertions } from "./javascript.js";
import { jsonAssertions } from "./json.js";
import { levenshteinAssertions } from "./levenshtein.js";
import { limitAssertions } from "./limits.js";
import { refusalAssertions } from "./refusal.js";
import { regexAssertions } from "./regex.js";
import { textAssertions } from "./text.js";
import { listAssertions } from "./text-lists.js";
import { toolCallAssertions } from "./tool-calls.js";

const builtIn: Record<string, AssertionHandler> = {
  ...textAssertions,
  ...listAssertions,
  ...regexAssertions,
  ...jsonAssertions,
  ...limitAssertions,
  ...javascriptAssertions,
  ...refusalAssertions,
  ...finishReasonAssertions,
  ...levenshteinAssertions,
  ...toolCallAssertions,
};

/** What each provider-backed type waits for, for the message when the caller hands in no handler. */
export const PROVIDER_BACKED: Partial<Record<AssertionType, string>> = {
  "llm-judge": "a judge provider",
  similar: "a similarity provider",
};

/**
 * Handlers a caller hands to `evaluateAssertions` for the types that need a provider (`llm-judge`,
 * `similar`: a run's graders), or in place of a built-in one. Passed with each call rather than
 * installed anywhere, so two runs in one process never see each other's graders.
 */
export type AssertionHandlers = Readonly<Partial<Record<AssertionType, AssertionHandler>>>;

export const NO_HANDLERS: AssertionHandlers = Object.freeze({});

/**
 * The handlers, checked: the set of types is closed (a type outside ASSERTION_TYPES would pass
 * `promptops validate` nowhere), so a handler for another type is a programmer error and throws.
 */
export function assertionHandlers<T extends AssertionHandlers>(handlers: T): T {
  for (const [type, handler] of Object.entries(handlers)) {
    if (!(ASSERTION_TYPES as readonly string[]).includes(type))
      throw new TypeError(`assertionHandlers: "${type}" is not an assertion type`);
    if (typeof handler !== "function")
      throw new TypeError(`assertionHandlers: the handler for "${type}" is not a function`);
  }
  return handlers;
}

/** The caller's handler for `type`, else the built-in one. */
export function assertionHandler(type: string, handlers: AssertionHandlers): AssertionHandler | undefined {
  if (Object.hasOwn(handlers, type)) return handlers[type as AssertionType];
  return Object.hasOwn(builtIn, type) ? builtIn[type] : undefined;
}
