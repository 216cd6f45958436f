import { distance } from "fastest-levenshtein";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, charCount, describeOutput, quote } from "./messages.js";

/** promptfoo's default: a text with up to 5 edits (typos, a changed word ending) still passes. */
export const DEFAULT_MAX_DISTANCE = 5;

/**
 * `levenshtein: "text"` or `{ to, max-distance }`: at most that many single-character edits from the
 * expected text. The score is the share of characters that did not need an edit, so a weighted test
 * score tells a near miss from a reply that has nothing in common.
 */
function levenshtein(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const spec = typeof value === "string" ? { to: value } : (value as Record<string, unknown> | null);
  const max = spec?.["max-distance"] ?? DEFAULT_MAX_DISTANCE;
  if (
    typeof spec !== "object" ||
    spec === null ||
    typeof spec.to !== "string" ||
    typeof max !== "number" ||
    !Number.isInteger(max) ||
    max < 0
  )
    return badValue("levenshtein", "a text or { to, max-distance }", value);
  const expected = spec.to;
  // Code units, as the library counts them: an emoji is two edits. Close enough for a tolerance.
  const edits = distance(output, expected);
  const longest = Math.max(charCount(output), charCount(expected), 1);
  const score = Math.max(0, Math.round((1 - edits / longest) * 10_000) / 10_000);
  const pass = edits <= max;
  const counted = `${edits} edit${edits === 1 ? "" : "s"} from ${quote(expected)}`;
  return {
    pass,
    score,
    message: pass
      ? `output is ${counted} (at most ${max})`
      : `expected output within ${max} edit${max === 1 ? "" : "s"} of ${quote(expected)}; it is ${edits} away (${describeOutput(output)})`,
  };
}

export const levenshteinAssertions: Record<string, AssertionHandler> = { levenshtein };
