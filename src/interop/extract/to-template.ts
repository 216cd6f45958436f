import type { TextPart } from "./prompt-text.js";

// Two characters Nunjucks reads as syntax in text: a tag's start, and `#}`, which it takes for the end
// of a comment anywhere after a tag. (`}}` and `%}` are text outside a tag.) The first character of
// each is written `{{ "c" }}`.
const DELIMITERS = new Set(["{{", "{%", "{#", "#}"]);

/**
 * The Nunjucks template for a message's text: literal text stays literal, each value is `{{ name }}`.
 * Where the text has `{{`, `{%`, `{#` or `#}` (also with the `{{` of a value that follows), the
 * first character is written as a string output, `{{ "{" }}`, which renders as itself. Not
 * `{% raw %}`: the text may itself hold `{% raw %}` or `{% endraw %}`, which a raw block cannot contain.
 */
export function toTemplate(parts: readonly TextPart[]): string {
  let template = "";
  for (const [index, part] of parts.entries()) {
    if ("variable" in part) {
      template += `{{ ${part.variable} }}`;
      continue;
    }
    const next = parts[index + 1];
    const text = part.text;
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      const following = i + 1 < text.length ? text[i + 1] : next && "variable" in next ? "{" : "";
      template += DELIMITERS.has(char + following) ? `{{ "${char}" }}` : char;
    }
  }
  return template;
}
