import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeMatch, describeOutput, quote, verdict } from "./messages.js";

/*
 * The list assertions: contains-any, contains-all, their ignoring-case forms (icontains-…) and the
 * negations of all four (not-…). One finder serves all eight, so "ignoring case" means the same in each.
 */

function stringList(type: string, value: unknown): string[] | AssertionOutcome {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string"))
    return badValue(type, "a non-empty list of strings", value);
  return value;
}

function finder(ignoreCase: boolean, output: string): (item: string) => number {
  if (!ignoreCase) return (item) => output.indexOf(item);
  const lower = output.toLowerCase();
  return (item) => lower.indexOf(item.toLowerCase());
}

const quoted = (list: string[]) => list.map((s) => quote(s)).join(", ");

function anyOf(type: string, ignoreCase: boolean, negated: boolean): AssertionHandler {
  const caseNote = ignoreCase ? " (ignoring case)" : "";
  return (value: unknown, { output }: AssertionContext): AssertionOutcome => {
    const list = stringList(type, value);
    if (!Array.isArray(list)) return list;
    const find = finder(ignoreCase, output);
    for (const item of list) {
      const at = find(item);
      if (at < 0) continue;
      const where = `${quote(item)}${caseNote} ${describeMatch(output, at, item.length)}`;
      return negated
        ? verdict(false, `expected output to contain none of ${list.length} listed; found ${where}`)
        : verdict(
            true,
            `output contains ${quote(item)} (one of ${list.length} listed)${caseNote} ${describeMatch(output, at, item.length)}`,
          );
    }
    return negated
      ? verdict(true, `output contains none of ${list.length} listed${caseNote}`)
      : verdict(
          false,
          `expected output to contain any of ${quoted(list)}${caseNote}; found none; ${describeOutput(output)}`,
        );
  };
}

/** Scored by the share found, so a report shows "3 of 4" as nearer than "0 of 4"; passes only with all. */
function allOf(type: string, ignoreCase: boolean, negated: boolean): AssertionHandler {
  const caseNote = ignoreCase ? " (ignoring case)" : "";
  return (value: unknown, { output }: AssertionContext): AssertionOutcome => {
    const list = stringList(type, value);
    if (!Array.isArray(list)) return list;
    const find = finder(ignoreCase, output);
    const missing = list.filter((item) => find(item) < 0);
    if (negated)
      return missing.length > 0
        ? verdict(
            true,
            `output does not contain all ${list.length} listed${caseNote}; missing ${quoted(missing)}`,
          )
        : verdict(
            false,
            `expected output not to contain all of ${list.length} listed${caseNote}; it contains every one; ${describeOutput(output)}`,
          );
    const score = (list.length - missing.length) / list.length;
    if (missing.length === 0)
      return { pass: true, score, message: `output contains all ${list.length} listed${caseNote}` };
    return {
      pass: false,
      score,
      message: `expected output to contain all of ${list.length} listed${caseNote}; missing ${quoted(missing)} (${missing.length} of ${list.length}); ${describeOutput(output)}`,
    };
  };
}

export const listAssertions: Record<string, AssertionHandler> = {
  "contains-any": anyOf("contains-any", false, false),
  "contains-all": allOf("contains-all", false, false),
  "icontains-any": anyOf("icontains-any", true, false),
  "icontains-all": allOf("icontains-all", true, false),
  "not-contains-any": anyOf("not-contains-any", false, true),
  "not-contains-all": allOf("not-contains-all", false, true),
  "not-icontains-any": anyOf("not-icontains-any", true, true),
  "not-icontains-all": allOf("not-icontains-all", true, true),
};
