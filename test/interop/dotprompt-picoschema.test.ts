import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { splitDotprompt } from "../../src/interop/dotprompt/front-matter.js";
import { PicoschemaProblem, picoschemaToJsonSchema } from "../../src/interop/dotprompt/picoschema.js";

// dotprompt's own Picoschema cases (spec/picoschema.yaml): the import turns each schema into the
// JSON Schema dotprompt does. Named schemas live in the application, so the import names them.
interface Suite {
  name: string;
  template: string;
  schemas?: Record<string, unknown>;
  tests: Array<{ expect: { input?: { schema: unknown }; output?: { schema: unknown } } }>;
}
const suites = parse(
  readFileSync(join(import.meta.dirname, "../fixtures/dotprompt/spec/picoschema.yaml"), "utf8"),
) as Suite[];

describe("Picoschema to JSON Schema, on dotprompt's spec cases", () => {
  it.each(suites)("$name", (suite) => {
    const frontMatter = parse(splitDotprompt(suite.template).frontMatter ?? "") as Record<
      string,
      { schema: unknown }
    >;
    for (const side of ["input", "output"] as const) {
      const expected = suite.tests[0]!.expect[side];
      if (!expected) continue;
      if (suite.schemas) {
        expect(() => picoschemaToJsonSchema(frontMatter[side]!.schema)).toThrow(PicoschemaProblem);
        expect(() => picoschemaToJsonSchema(frontMatter[side]!.schema)).toThrow(
          /the named schema "Foo" is registered in the application/,
        );
      } else expect(picoschemaToJsonSchema(frontMatter[side]!.schema)).toEqual(expected.schema);
    }
  });
});
