import type { Assertion } from "./prompt-file.js";

/**
 * The keys an assertion may carry beside its type: `{ contains: "refund", weight: 2 }`. Kept apart
 * from the types, so "an assertion is a one-key map" stays true of its type.
 */
export const ASSERTION_OPTION_KEYS = ["weight"] as const;

/** An assertion taken apart: its type, its expected value and its weight (1 unless written). */
export interface AssertionParts {
  type: string;
  value: unknown;
  weight: number;
}

const OPTIONS = new Set<string>(ASSERTION_OPTION_KEYS);

/**
 * The parts, or why there are none (no type key, or more than one). A weight that is not a number
 * is the schema's to report; here it counts as 1, so a run still checks the assertion.
 */
export function assertionParts(assertion: Assertion): AssertionParts | { problem: string; type?: string } {
  const types = Object.keys(assertion).filter((key) => !OPTIONS.has(key));
  if (types.length !== 1) {
    const found = types.length === 0 ? "none" : types.map((k) => `"${k}"`).join(", ");
    return {
      problem: `an assertion has exactly one key (its type), besides an optional weight; found ${found}`,
      ...(types[0] === undefined ? {} : { type: types[0] }),
    };
  }
  const type = types[0]!;
  const weight = assertion.weight;
  return {
    type,
    value: assertion[type],
    weight: typeof weight === "number" && Number.isFinite(weight) && weight >= 0 ? weight : 1,
  };
}
