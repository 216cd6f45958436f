import { describe, expect, it } from "vitest";
import { regexProblem, safeRegExp } from "../../src/schemas/safe-regexp.js";

// A `regex: { pattern, flags }` must match on RE2 what the same /pattern/flags matches in
// JavaScript, where users try their patterns: each case runs on both engines.
const patterns = ["^total: \\d+$", "refund.*days", "^[a-z]+$", "\\u{1F600}", "caf\\u00e9", "a.b"];
const inputs = [
  "Items: 3\nTOTAL: 42\nThanks",
  "REFUND within\n30 DAYS",
  "Refund within 30 days",
  "abc\nDEF",
  "smile 😀",
  "CAFÉ au lait",
  "a\nb",
  "a\u2028b",
];
const flagSets = ["", "i", "m", "s", "u", "im", "is", "ms", "imsu"];

describe("regex flags on the linear-time engine", () => {
  // Two known differences, each pinned by its own test below, are left out of the comparison.
  const differs = (flags: string, pattern: string, input: string) =>
    (pattern.includes("\\u{") && !flags.includes("u")) || (flags.includes("m") && input.includes("\u2028"));
  const cases = flagSets.flatMap((flags) =>
    patterns.flatMap((pattern) =>
      inputs.filter((input) => !differs(flags, pattern, input)).map((input) => ({ flags, pattern, input })),
    ),
  );
  it.each(cases)("/$pattern/$flags on $input matches as in JavaScript", ({ flags, pattern, input }) => {
    let js: RegExp;
    try {
      js = new RegExp(pattern, flags);
    } catch {
      // Not a JavaScript pattern with these flags (\u{…} needs u): refused here too.
      expect(regexProblem(pattern, flags)).toBeDefined();
      return;
    }
    const expected = js.exec(input);
    const found = safeRegExp(pattern, flags).exec(input);
    expect(found && { text: found[0], index: found.index }).toEqual(
      expected && { text: expected[0], index: expected.index },
    );
  });

  it("reads \\u{…} as a code point even without the u flag, where JavaScript reads the letters", () => {
    // biome-ignore lint/complexity/useRegexLiterals: TypeScript refuses this literal without u, the point here
    expect(new RegExp("\\u{1F600}").test("smile 😀")).toBe(false);
    expect(safeRegExp("\\u{1F600}").test("smile 😀")).toBe(true);
  });

  it("with the m flag ends lines at \\n only, where JavaScript also ends them at \\r, U+2028 and U+2029", () => {
    expect(/^b$/m.test("a\u2028b")).toBe(true);
    expect(safeRegExp("^b$", "m").test("a\u2028b")).toBe(false);
    expect(/^a$/m.test("a\r\nb")).toBe(true);
    expect(safeRegExp("^a$", "m").test("a\r\nb")).toBe(false);
  });

  it("refuses flags that change what a match is, and a flag given twice", () => {
    expect(regexProblem("a", "g")?.message).toBe('flags "g": "g" is not a supported flag');
    expect(regexProblem("a", "y")?.message).toContain('"y" is not a supported flag');
    expect(regexProblem("a", "ii")?.message).toBe('flags "ii": "i" is given twice');
  });
});
