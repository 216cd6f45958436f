import { normaliseFinishReason } from "../../providers/finish-reason.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, verdict } from "./messages.js";

/** `finish-reason: length`, or a list any of which passes; either vendor's word for it matches. */
function finishReason(value: unknown, { finishReason: reported }: AssertionContext): AssertionOutcome {
  const expected = typeof value === "string" ? [value] : value;
  if (!Array.isArray(expected) || expected.length === 0 || !expected.every((v) => typeof v === "string"))
    return badValue("finish-reason", "a finish reason or a list of them", value);
  const wanted = expected.map(normaliseFinishReason);
  const shown = wanted.length === 1 ? `"${wanted[0]}"` : `one of ${wanted.map((w) => `"${w}"`).join(", ")}`;
  if (reported === undefined)
    return verdict(
      false,
      `expected finish reason ${shown}; the provider reported none (echo and exec providers may not)`,
    );
  const actual = normaliseFinishReason(reported);
  const as = actual === reported ? "" : ` (reported as "${reported}")`;
  if (wanted.includes(actual)) return verdict(true, `finish reason is "${actual}"${as}`);
  return verdict(false, `expected finish reason ${shown}; it is "${actual}"${as}`);
}

export const finishReasonAssertions: Record<string, AssertionHandler> = { "finish-reason": finishReason };
