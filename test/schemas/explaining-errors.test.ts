import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { explainingErrors } from "../../src/schemas/explaining-errors.js";

// The one place that turns ajv's every-failed-branch report into the errors a user should read,
// for prompt files, the config and the lockfile alike.
const ajv = new Ajv2020({ allErrors: true, strict: false });

function explain(schema: object, value: unknown) {
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  return explainingErrors(validate.errors ?? []).map((e) => ({
    at: e.instancePath,
    keyword: e.keyword,
    ...("expected" in e ? { expected: e.expected } : {}),
  }));
}

const providers = {
  $defs: {
    ref: { type: "string" },
    object: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
  },
  type: "array",
  items: { anyOf: [{ $ref: "#/$defs/ref" }, { $ref: "#/$defs/object" }] },
};

describe("explainingErrors", () => {
  it("folds the branches of an anyOf, $ref'd ones too, into the types they expected", () => {
    expect(explain(providers, [5])).toEqual([{ at: "/0", keyword: "anyOf", expected: ["string", "object"] }]);
  });

  it("keeps only what went wrong inside the branch the value had the shape of", () => {
    expect(explain(providers, [{ id: 7 }])).toEqual([{ at: "/0/id", keyword: "type" }]);
  });

  it("keeps a keyword beside the anyOf, which ajv checks first but is not one of its branches", () => {
    const schema = { type: "string", anyOf: [{ type: "number" }, { type: "boolean" }] };
    expect(explain(schema, null)).toEqual([
      { at: "", keyword: "type" },
      { at: "", keyword: "anyOf", expected: ["number", "boolean"] },
    ]);
  });

  it("keeps what went wrong in the branch whose type the value has, even at the value itself", () => {
    const judge = {
      anyOf: [
        { type: "string" },
        {
          type: "object",
          additionalProperties: false,
          required: ["rubric"],
          properties: { rubric: { type: "string" } },
        },
      ],
    };
    // Not "must be a string": a map with a misspelt key, and no "missing rubric" for the same mistake.
    expect(explain(judge, { rubrik: "polite" })).toEqual([{ at: "", keyword: "additionalProperties" }]);
    expect(explain(judge, { tone: "polite" })).toEqual([
      { at: "", keyword: "required" },
      { at: "", keyword: "additionalProperties" },
    ]);
  });

  it("drops the `if` of a failed if/then, keeping what `then` asked for", () => {
    // JSON.parse: an object literal with a `then` key is a thenable, which the linter rightly flags.
    const schema = JSON.parse('{ "if": { "required": ["kind"] }, "then": { "required": ["model"] } }');
    expect(explain(schema, { kind: "openai" })).toEqual([{ at: "", keyword: "required" }]);
  });
});
