import type { ErrorObject } from "ajv/dist/2020.js";
import type { variableValidator } from "../../prompt/variables.js";
import { pointerSegments, valueAtSegments } from "../../schemas/json-pointer.js";
import { truncate } from "../../text/truncate.js";
import { describeMatch } from "./messages.js";

/** The first three schema errors, each with where it is and what was found. */
export function describeSchemaErrors(errors: readonly ErrorObject[], document: unknown): string {
  const shown = errors.slice(0, 3).map((error) => describeSchemaError(error, document));
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}

function describeSchemaError(error: ErrorObject, document: unknown): string {
  const segments = pointerSegments(error.instancePath);
  const at = segments.length > 0 ? `/${segments.join("/")}` : "the document";
  if (error.keyword === "additionalProperties")
    return `${at} has unknown property "${String(error.params.additionalProperty)}"`;
  let detail = error.message ?? "is invalid";
  if (error.keyword === "enum")
    detail += `: ${(error.params.allowedValues as unknown[]).map(String).join(", ")}`;
  if (error.keyword === "required") return `${at} ${detail}`;
  const found = valueAtSegments(document, segments);
  const text = JSON.stringify(found) ?? "nothing";
  return `${at} ${detail} (found ${truncate(text, 40)})`;
}

export interface FoundJson {
  /** The first JSON object or array (matching the schema, if one was given), and where. */
  match?: { value: unknown; excerpt: string };
  /** JSON objects and arrays found, matching or not. */
  candidates: number;
  /** Why the first candidate did not match the schema. */
  firstProblem?: string;
}

// Brackets scanned in all, over every start tried: a reply of 100,000 unmatched `{` would otherwise
// cost 10^10 steps. Far above what any real reply needs (each character is scanned about once).
const SCAN_BUDGET = 5_000_000;

/**
 * JSON objects and arrays inside text (prose, fences, several values): each `{` or `[` is tried as
 * the start of one, to its balancing bracket, and parsed. Only outermost values are candidates.
 */
export function findJson(
  output: string,
  validate: ReturnType<typeof variableValidator> | undefined,
): FoundJson {
  const found: FoundJson = { candidates: 0 };
  let budget = SCAN_BUDGET;
  for (let start = 0; start < output.length; start++) {
    const char = output[start];
    if (char !== "{" && char !== "[") continue;
    const end = balancedEnd(output, start, budget);
    budget -= (end < 0 ? output.length : end) - start;
    if (budget <= 0) break;
    if (end < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(output.slice(start, end + 1));
    } catch {
      continue;
    }
    found.candidates++;
    if (!validate || validate(value)) {
      found.match = { value, excerpt: describeMatch(output, start, end + 1 - start) };
      return found;
    }
    found.firstProblem ??= describeSchemaErrors(validate.errors ?? [], value);
    start = end;
  }
  return found;
}

/** The index of the bracket that closes the one at `start`, skipping strings; -1 when none does. */
function balancedEnd(text: string, start: number, budget: number): number {
  let depth = 0;
  let inString = false;
  const last = Math.min(text.length, start + budget);
  for (let i = start; i < last; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
