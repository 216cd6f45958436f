import { assertionParts } from "../../prompt/assertion-parts.js";
import { ASSERTION_TYPES, type Assertion, type AssertionType } from "../../prompt/prompt-file.js";
import { closestMatch } from "../../schemas/did-you-mean.js";
import type { AssertionResult } from "../results.js";
import type { AssertionContext, AssertionOutcome } from "./context.js";
import { renderExpected } from "./expected-value.js";
import { type AssertionHandlers, assertionHandler, NO_HANDLERS, PROVIDER_BACKED } from "./handlers.js";

/**
 * Checks one assertion (a one-key map) against a reply. A failing check, a malformed assertion
 * or an unknown type is a failing result, never an exception: one bad assertion must not lose
 * the rest of a run. Only an error thrown by a handler propagates (see AssertionHandler). `handlers`:
 * the caller's own, for the provider-backed types; without one, such an assertion fails saying so.
 */
export async function evaluateAssertion(
  assertion: Assertion,
  context: AssertionContext,
  handlers: AssertionHandlers = NO_HANDLERS,
): Promise<AssertionResult> {
  if (typeof assertion !== "object" || assertion === null || Array.isArray(assertion))
    return failed(
      "(none)",
      `an assertion is a one-key map like { contains: "text" }, found ${JSON.stringify(assertion)}`,
    );
  const parts = assertionParts(assertion);
  if ("problem" in parts) return failed(parts.type ?? "(none)", parts.problem);
  const { type, weight } = parts;
  const handler = assertionHandler(type, handlers);
  if (!handler) {
    const needs = Object.hasOwn(PROVIDER_BACKED, type) ? PROVIDER_BACKED[type as AssertionType] : undefined;
    if (needs) return failed(type, `${type} needs ${needs}, and none is configured for this run`);
    const suggestion = closestMatch(type, ASSERTION_TYPES);
    return failed(
      type,
      `unknown assertion type "${type}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
    );
  }
  const expected = renderExpected(type, parts.value, context.vars);
  const result =
    "error" in expected
      ? failed(type, expected.error)
      : toResult(type, await handler(expected.value, context));
  // Only a weight that is not the default is shown: reports of unweighted tests stay as they were.
  return weight === 1 ? result : { ...result, weight };
}

/** Checks a test's assertions, in order; results keep the order of the assertions. */
export async function evaluateAssertions(
  assertions: readonly Assertion[],
  context: AssertionContext,
  handlers: AssertionHandlers = NO_HANDLERS,
): Promise<AssertionResult[]> {
  // Concurrently: judge calls are network-bound, and the built-in checks are synchronous anyway.
  return Promise.all(assertions.map((assertion) => evaluateAssertion(assertion, context, handlers)));
}

function toResult(type: string, outcome: AssertionOutcome): AssertionResult {
  const score = outcome.score ?? (outcome.pass ? 1 : 0);
  // A handler returning a score outside 0..1 is a bug in the handler, not a property of the reply.
  if (typeof outcome.pass !== "boolean" || !(score >= 0 && score <= 1))
    throw new TypeError(`assertion handler for "${type}" returned pass ${outcome.pass}, score ${score}`);
  return { type, pass: outcome.pass, score, message: outcome.message };
}

function failed(type: string, message: string): AssertionResult {
  return { type, pass: false, score: 0, message };
}
