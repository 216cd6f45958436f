import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkVariables } from "../../src/prompt/variables.js";
import { regexProblem, safeRegExp } from "../../src/schemas/safe-regexp.js";

function patternsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) patternsIn(item, found);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "pattern" && typeof child === "string") found.push(child);
      else patternsIn(child, found);
    }
  }
  return found;
}

describe("patterns run on a linear-time engine", () => {
  it("every pattern of our own schemas is linear on V8's engine too, which runs them (faster than RE2)", () => {
    const dir = new URL("../../schemas/", import.meta.url);
    const patterns = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => patternsIn(JSON.parse(readFileSync(new URL(f, dir), "utf8"))));
    expect(patterns.length).toBeGreaterThan(5);
    // RE2 accepts each (no backreference or lookaround), and near-miss inputs of 100,000 characters
    // that would make a backtracking pattern such as ^(a+)+$ run for ever fail at once.
    const nearMisses = ["a", "0", "v", "a/", "ab-", "9f", "2026-"].map((unit) => `${unit.repeat(100_000)}!`);
    for (const pattern of patterns) {
      expect(regexProblem(pattern, "u"), pattern).toBeUndefined();
      const regex = new RegExp(pattern, "u");
      const started = performance.now();
      for (const input of nearMisses) regex.test(input);
      expect(performance.now() - started, pattern).toBeLessThan(2_000);
    }
  });

  it("each pattern of a schema checks its own value (compiled patterns are told apart)", () => {
    const declared = {
      order: {
        type: "object",
        properties: {
          id: { type: "string", pattern: "^[0-9]+$" },
          code: { type: "string", pattern: "^[a-z]+$" },
        },
      },
    };
    expect(checkVariables(declared, { order: { id: "42", code: "abc" } }).problems).toEqual([]);
    const { problems } = checkVariables(declared, { order: { id: "abc", code: "42" } });
    expect(problems.map((p) => [p.variable, ...p.path].join("."))).toEqual(["order.id", "order.code"]);
  });

  it("matches like JavaScript: first match, UTF-16 index", () => {
    const match = safeRegExp("b+").exec("😀a bb");
    expect(match?.[0]).toBe("bb");
    expect(match?.index).toBe("😀a bb".search(/b+/));
  });

  it("keeps JavaScript's meaning of \\s, \\S and . (RE2's \\s is ASCII only; its . matches \\r)", () => {
    const cases: Array<[string, string]> = [
      ["^\\s$", "\u00a0"],
      ["^\\s$", "\v"],
      ["^\\S+$", "a\u2003b"],
      ["^.$", "\r"],
      ["^.$", "\u2028"],
      ["^[\\s\\d]+$", "1\u00a02"],
      ["^\\\\s$", "\\s"],
      ["^[.]$", "x"],
    ];
    for (const [pattern, text] of cases) {
      expect(safeRegExp(pattern, "u").test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(
        new RegExp(pattern, "u").test(text),
      );
    }
  });

  it("takes ECMAScript syntax only, never RE2-only syntax read differently", () => {
    expect(regexProblem("(?i)abc")?.message).toContain("invalid regular expression");
    expect(regexProblem("\\p{L}+", "u")).toBeUndefined();
  });
});
