import { describe, expect, it } from "vitest";
import { checkVariables } from "../../src/prompt/variables.js";

describe("variables named like Object's members are ordinary variables", () => {
  it("a value for __proto__ is the variable's value, not the prototype of the values", () => {
    const given = JSON.parse('{ "__proto__": { "polluted": true } }');
    const { values, problems } = checkVariables(JSON.parse('{ "__proto__": { "type": "object" } }'), given);
    expect(problems).toEqual([]);
    // Nothing inherited at all (the renderer's values have no prototype), and never the given value.
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(values, "__proto__")?.value).toEqual({ polluted: true });
  });

  it("constructor and toString that are not given are missing", () => {
    const { problems } = checkVariables(
      { constructor: { type: "string" }, toString: { type: "string" } },
      {},
    );
    expect(problems.map((p) => p.message)).toEqual([
      'missing variable "constructor"',
      'missing variable "toString"',
    ]);
  });
});
