import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, charPosition, describeMatch, describeOutput, quote, verdict } from "./messages.js";

function equals(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("equals", "a string", value);
  if (output === value) return verdict(true, `output equals ${quote(value)}`);
  const expected = `expected output to equal ${quote(value)}`;
  // Models often add a trailing newline or a leading space; say so rather than show a puzzling diff.
  if (output.trim() === value.trim())
    return verdict(
      false,
      `${expected}; it differs only in surrounding whitespace (${describeOutput(output)})`,
    );
  const at = firstDifference(output, value);
  const want = value.slice(at);
  const found = output.slice(at);
  return verdict(
    false,
    `${expected}; first difference at char ${charPosition(output, at)}: expected ${want ? quote(want, 20) : "the end"}, found ${found ? quote(found, 20) : "the end"} (${describeOutput(output)})`,
  );
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // Step back to the start of a surrogate pair so the excerpt shows a whole character.
  if (i > 0 && a.charCodeAt(i - 1) >= 0xd800 && a.charCodeAt(i - 1) <= 0xdbff) i--;
  return i;
}

function contains(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("contains", "a string", value);
  const at = output.indexOf(value);
  if (at >= 0)
    return verdict(true, `output contains ${quote(value)} ${describeMatch(output, at, value.length)}`);
  const expected = `expected output to contain ${quote(value)}`;
  const caseless = output.toLowerCase().indexOf(value.toLowerCase());
  // Lower-casing can change lengths ("İ" becomes two code units); then the index would be wrong.
  const sameLengths =
    output.toLowerCase().length === output.length && value.toLowerCase().length === value.length;
  if (caseless >= 0 && sameLengths) {
    const found = output.slice(caseless, caseless + value.length);
    return verdict(
      false,
      `${expected}; found it only with different case, ${quote(found)} ${describeMatch(output, caseless, value.length)}`,
    );
  }
  return verdict(false, `${expected}; ${describeOutput(output)}`);
}

function icontains(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("icontains", "a string", value);
  const at = output.toLowerCase().indexOf(value.toLowerCase());
  if (at >= 0)
    return verdict(
      true,
      `output contains ${quote(value)} (ignoring case) ${describeMatch(output, at, value.length)}`,
    );
  return verdict(
    false,
    `expected output to contain ${quote(value)} (ignoring case); ${describeOutput(output)}`,
  );
}

function notContains(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("not-contains", "a string", value);
  const at = output.indexOf(value);
  if (at < 0) return verdict(true, `output does not contain ${quote(value)}`);
  return verdict(
    false,
    `expected output not to contain ${quote(value)}; found it ${describeMatch(output, at, value.length)}`,
  );
}

function startsWith(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("starts-with", "a string", value);
  if (output.startsWith(value)) return verdict(true, `output starts with ${quote(value)}`);
  const expected = `expected output to start with ${quote(value)}`;
  if (value.trim() !== "" && output.trimStart().startsWith(value))
    return verdict(false, `${expected}; it does only after leading whitespace (${describeOutput(output)})`);
  return verdict(false, `${expected}; ${describeOutput(output)}`);
}

function notEquals(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("not-equals", "a string", value);
  if (output !== value) return verdict(true, `output does not equal ${quote(value)}`);
  return verdict(false, `expected output not to equal ${quote(value)}; it does`);
}

function notIcontains(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("not-icontains", "a string", value);
  const at = output.toLowerCase().indexOf(value.toLowerCase());
  if (at < 0) return verdict(true, `output does not contain ${quote(value)} (ignoring case)`);
  return verdict(
    false,
    `expected output not to contain ${quote(value)} (ignoring case); found it ${describeMatch(output, at, value.length)}`,
  );
}

function notStartsWith(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("not-starts-with", "a string", value);
  if (!output.startsWith(value)) return verdict(true, `output does not start with ${quote(value)}`);
  return verdict(false, `expected output not to start with ${quote(value)}; ${describeOutput(output)}`);
}

export const textAssertions: Record<string, AssertionHandler> = {
  equals,
  contains,
  icontains,
  "not-contains": notContains,
  "starts-with": startsWith,
  "not-equals": notEquals,
  "not-icontains": notIcontains,
  "not-starts-with": notStartsWith,
};
