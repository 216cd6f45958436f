import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportPrompty } from "../../src/interop/prompty/export-prompty.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

// export prompty writes what Prompty can say and refuses, writing nothing, where the .prompty
// file would make Prompty send other messages than promptops renders.
let dir: ProjectDir;
afterEach(() => dir.cleanup());

function project(prompt: string, files: Record<string, string> = {}) {
  dir = makeProjectDir({ "prompts/team/reply.prompt.yaml": prompt, ...files });
  return (force = false) => exportPrompty({ cwd: dir.root, id: "team/reply", out: "reply.prompty", force });
}

const refused = (prompt: string, message: string | RegExp, line: number) => {
  const run = project(prompt);
  expectPromptOpsError(() => run(), {
    code: "export-not-expressible",
    exitCode: 1,
    message,
    location: { file: join(dir.root, "prompts/team/reply.prompt.yaml"), line },
  });
  expect(existsSync(join(dir.root, "reply.prompty"))).toBe(false);
};

describe("export prompty", () => {
  it("writes role lines, inputs and the first test's values, inlining partials, and lists what Prompty has no place for", () => {
    const run = project(
      [
        "owners: ['@acme/support']",
        "model: { provider: anthropic, name: claude-haiku-4-5, params: { temperature: 0.1, top_k: 5 } }",
        "variables:",
        "  name: { type: string, maxLength: 40 }",
        "  count: { type: integer }",
        "messages:",
        "  - role: system",
        "    content: |",
        '      {% include "partials/tone.njk" %}',
        "  - role: user",
        "    content: Hi, I am {{ name }} and I have {{ count }} orders.",
        "tests:",
        "  - { name: first, vars: { name: Ann, count: 2 }, assert: [{ contains: Ann }] }",
        "  - { name: second, vars: { name: Bo, count: 0 }, assert: [] }",
        "",
      ].join("\n"),
      { "prompts/partials/tone.njk": "Be brief and kind." },
    );
    const result = run();
    expect(readFileSync(result.written!, "utf8")).toBe(
      [
        "---",
        "# Exported by `promptops export prompty`.",
        "name: team/reply",
        "authors:",
        '  - "@acme/support"',
        "model:",
        "  api: chat",
        "  parameters:",
        "    temperature: 0.1",
        "inputs:",
        "  name:",
        "    type: string",
        "  count:",
        "    type: number",
        "sample:",
        "  name: Ann",
        "  count: 2",
        "---",
        "system:",
        "Be brief and kind.",
        "",
        "user:",
        "Hi, I am {{ name }} and I have {{ count }} orders.",
        "",
      ].join("\n"),
    );
    expect(result.notCarried.map((n) => `${n.location.line} ${n.kind}: ${n.message}`)).toEqual([
      "2 dropped: not carried over: the model anthropic:claude-haiku-4-5 (Prompty configures openai, azure_openai and serverless models)",
      '2 dropped: not carried over: parameter "top_k"',
      '4 dropped: not carried over: "maxLength" of variable "name" (a Prompty input has a type, a description and a default)',
      '5 dropped: not carried over: "integer" (Prompty inputs are numbers)',
      "8 review: leading or trailing whitespace: Prompty trims every message",
      '13 dropped: not carried over: the assertions of test "first" (its values are the sample)',
      '14 dropped: not carried over: test "second" (Prompty keeps one sample: the first test\'s values)',
    ]);
    expectPromptOpsError(() => run(), { code: "export-would-overwrite", exitCode: 2 });
    expect(run(true).written).toBe(join(dir.root, "reply.prompty"));
  });

  it("spells a loop over a map's pairs as Jinja does, from the schema or else the first test", () => {
    const run = project(
      [
        "variables:",
        "  order: { type: object, properties: { lines: { type: object } } }",
        "  tags: { type: array }",
        "messages:",
        "  - role: user",
        "    content: '{% for k, v in order.lines %}{{ k }}={{ v }}{% endfor %} {% for a, b in tags %}{{ a }}{{ b }}{% endfor %}{% if order.note is null %}.{% endif %}'",
        "",
      ].join("\n"),
    );
    expect(readFileSync(run().written!, "utf8")).toContain(
      "user:\n{% for k, v in order.lines.items() %}{{ k }}={{ v }}{% endfor %} {% for a, b in tags %}{{ a }}{{ b }}{% endfor %}{% if order.note is none %}.{% endif %}\n",
    );
  });

  it("refuses a message with a line Prompty reads as a role, an empty message, the dump filter, or a loop it cannot spell", () => {
    refused(
      "messages:\n  - role: system\n    content: |\n      Rules.\n      # Assistant:\n      Be nice.\n",
      "a line that Prompty reads as a role line",
      3,
    );
    refused('messages:\n  - role: user\n    content: " "\n', "Prompty refuses an empty message", 3);
    refused(
      "description: Old --- new\nmessages:\n  - role: user\n    content: hi\n",
      "where Prompty would end the front matter",
      1,
    );
    refused(
      "variables: { data: { type: object } }\nmessages:\n  - role: user\n    content: '{{ data | dump }}'\n",
      "the dump filter",
      4,
    );
    refused(
      "variables: { pairs: {} }\nmessages:\n  - role: user\n    content: '{% for a, b in pairs %}{{ a }}{% endfor %}'\n",
      "a two-name {% for %} loop",
      4,
    );
  });
});
