import { truncate } from "../../text/truncate.js";

/**
 * Whether `actual` contains `expected`, as `tool-call: { args }` means it: every key of an expected
 * object is in the actual one with a matching value (other keys may be there too), at any depth;
 * lists match element by element and have the same length; other values are equal (===).
 * Undefined when it matches, else where and how it differs: `/items/0/sku is "B-2", expected "A-1"`.
 */
export function partialMismatch(expected: unknown, actual: unknown, path = ""): string | undefined {
  const at = path === "" ? "the arguments" : path;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at} is ${describe(actual)}, expected a list`;
    if (actual.length !== expected.length)
      return `${at} has ${actual.length} items, expected ${expected.length}`;
    for (const [i, item] of expected.entries()) {
      const problem = partialMismatch(item, actual[i], `${path}/${i}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual))
      return `${at} is ${describe(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const where = `${path}/${key}`;
      if (!Object.hasOwn(actual, key)) return `${where} is missing`;
      const problem = partialMismatch(value, (actual as Record<string, unknown>)[key], where);
      if (problem) return problem;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${at} is ${describe(actual)}, expected ${describe(expected)}`;
}

function describe(value: unknown): string {
  return value === undefined ? "missing" : truncate(JSON.stringify(value), 60);
}
