import { parse } from "yaml";
import { PromptOpsError } from "../../errors.js";
import type { CompiledPrompt } from "../../prompt/prompt-file.js";
import { renderPrompt } from "../../prompt/render.js";
import type { ExtractedVariable } from "./extracted-prompt.js";
import type { TextPart } from "./prompt-text.js";
import type { MessageParts } from "./read-request.js";

// Values chosen to break a careless template: quotes, newlines, Nunjucks syntax, non-ASCII text,
// numbers JavaScript writes in its own way. Each variable gets a different one.
const STRINGS = [
  `Ann "Nan" O'Neil`,
  "two\nlines {{ not_a_variable }}",
  "{% if true %}tag{% endif %} {# comment #}",
  "ünïcödé — 日本語 🎉 \\ back\\slash",
  "  padded  ",
  "{% raw %}raw{% endraw %}",
];
const NUMBERS = [12, -0.25, 1e21, 0.1 + 0.2, 0];

/** The example value of each variable: distinct, and tricky for its type. */
export function exampleValues(variables: readonly ExtractedVariable[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [index, variable] of variables.entries()) {
    if (variable.type === "number")
      values[variable.name] = NUMBERS[index % NUMBERS.length]! + Math.floor(index / NUMBERS.length);
    else if (variable.type === "boolean") values[variable.name] = index % 2 === 0;
    else values[variable.name] = `${STRINGS[index % STRINGS.length]} #${index + 1}`;
  }
  return values;
}

/** What the code sends for these values: each template literal's parts joined with JavaScript's ToString. */
export function expectedMessages(messages: readonly MessageParts[], values: Record<string, unknown>) {
  return messages.map((message) => ({
    role: message.role,
    content: message.parts
      .map((part: TextPart) => ("text" in part ? part.text : String(values[part.variable])))
      .join(""),
  }));
}

/**
 * Renders the prompt file as written (its YAML text, through our renderer) with the example
 * values and compares it with what the code would send, message by message. Returns the
 * differences, each one line; empty when the two are exactly equal.
 */
export function renderCheck(
  id: string,
  fileText: string,
  messages: readonly MessageParts[],
  variables: readonly ExtractedVariable[],
): string[] {
  const values = exampleValues(variables);
  const expected = expectedMessages(messages, values);
  let rendered: Array<{ role: string; content: unknown }>;
  try {
    const file = parse(fileText) as CompiledPrompt;
    rendered = renderPrompt(id, { messages: file.messages, variables: file.variables }, values);
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    return [`render check: the prompt file does not render: ${error.message}`];
  }
  const problems: string[] = [];
  if (rendered.length !== expected.length)
    problems.push(
      `render check: the prompt file renders ${rendered.length} messages where the code sends ${expected.length}`,
    );
  for (const [index, want] of expected.entries()) {
    const got = rendered[index];
    if (!got || (got.role === want.role && got.content === want.content)) continue;
    const [gotText, wantText] = around(String(got.content), want.content);
    problems.push(
      got.role !== want.role
        ? `render check: message ${index + 1} has the role ${got.role} where the code sends ${want.role}`
        : `render check: message ${index + 1} (${want.role}) renders ${JSON.stringify(gotText)} where the code sends ${JSON.stringify(wantText)}`,
    );
  }
  return problems;
}

/** Both texts from a little before their first difference, at most 80 characters each. */
function around(got: string, want: string): [string, string] {
  let first = 0;
  while (first < got.length && first < want.length && got[first] === want[first]) first++;
  const from = Math.max(0, first - 20);
  const cut = (text: string) =>
    `${from > 0 ? "..." : ""}${text.slice(from, from + 80)}${text.length > from + 80 ? "..." : ""}`;
  return [cut(got), cut(want)];
}
