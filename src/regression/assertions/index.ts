export type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
export { evaluateAssertion, evaluateAssertions } from "./evaluate.js";
export { type AssertionHandlers, assertionHandlers } from "./handlers.js";
export type { CheckResult } from "./javascript.js";
export { findRefusal } from "./refusal.js";
