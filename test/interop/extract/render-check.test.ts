import { describe, expect, it } from "vitest";
import type { ExtractedPrompt } from "../../../src/interop/extract/extracted-prompt.js";
import { promptFileText } from "../../../src/interop/extract/prompt-file-text.js";
import type { TextPart } from "../../../src/interop/extract/prompt-text.js";
import type { MessageParts } from "../../../src/interop/extract/read-request.js";
import { exampleValues, renderCheck } from "../../../src/interop/extract/render-check.js";
import { toTemplate } from "../../../src/interop/extract/to-template.js";

// Item 2 of issue 19: the render check compares the written prompt file, rendered by our renderer,
// with what the code sends. It must catch a template that does not say what the code says.

// A hand-made source's user message: `Write {{ "braces" }} as is {# not a comment #}, set {${name}} for ${count}`.
const USER: TextPart[] = [
  { text: 'Write {{ "braces" }} as is {# not a comment #} and {% raw %}, set {' },
  { variable: "name" },
  { text: "} for " },
  { variable: "count" },
];
const VARIABLES = [
  { name: "name", expression: "customer.name", type: "string" as const },
  { name: "count", expression: "orders.length", type: "number" as const },
];
const MESSAGES: MessageParts[] = [
  { role: "system", parts: [{ text: "You help. Never write {{ or {% in replies." }] },
  { role: "user", parts: USER },
];

function fileWith(contents: (parts: readonly TextPart[]) => string): string {
  const prompt: ExtractedPrompt = {
    id: "hand-made",
    shape: "openai-chat",
    call: { file: "/p/src/a.ts", line: 3, col: 1, start: 0, end: 1 },
    model: "gpt-4o-mini",
    params: {},
    messages: MESSAGES.map((m) => ({ role: m.role, content: contents(m.parts) })),
    variables: VARIABLES,
    replacedProperties: [],
    rewriteBlockers: [],
  };
  return promptFileText(prompt, "/p", "../node_modules/promptops/schemas/prompt.schema.json");
}

/** The template without escaping: literal text as is, each value as {{ name }}. */
const unescaped = (parts: readonly TextPart[]) =>
  parts.map((part) => ("text" in part ? part.text : `{{ ${part.variable} }}`)).join("");

describe("the render check", () => {
  it("passes a prompt file whose literal {{, {% and {# are escaped, with tricky values", () => {
    const values = exampleValues(VARIABLES);
    expect(values.name).toContain('"');
    expect(values.count).toBe(-0.25);
    expect(renderCheck("hand-made", fileWith(toTemplate), MESSAGES, VARIABLES)).toEqual([]);
  });

  it("catches the mismatch when the escaping is removed", () => {
    const problems = renderCheck("hand-made", fileWith(unescaped), MESSAGES, VARIABLES);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^render check: (message 2 \(user\) renders .* where the code sends|the prompt file does not render)/,
    );
  });

  it("catches a template that renders, but not what the code sends", () => {
    const parts: TextPart[] = [{ text: 'Say {{ "hi" }} {# quietly #}' }];
    const messages: MessageParts[] = [{ role: "user", parts }];
    const file = (contents: (p: readonly TextPart[]) => string) =>
      promptFileText(
        {
          id: "x",
          shape: "openai-chat",
          call: { file: "/p/a.ts", line: 1, col: 1, start: 0, end: 1 },
          params: {},
          messages: [{ role: "user", content: contents(parts) }],
          variables: [],
          replacedProperties: [],
          rewriteBlockers: [],
        },
        "/p",
        "schema.json",
      );
    expect(renderCheck("x", file(toTemplate), messages, [])).toEqual([]);
    expect(renderCheck("x", file(unescaped), messages, [])).toEqual([
      'render check: message 1 (user) renders "Say hi " where the code sends "Say {{ \\"hi\\" }} {# quietly #}"',
    ]);
  });
});
