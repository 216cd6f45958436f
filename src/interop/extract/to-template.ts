import type { TextPart } from "./prompt-text.js";

// A "{" that Nunjucks would read as the start of a tag, an output or a comment.
const TAG_START = new Set(["{", "%", "#"]);
const LITERAL_BRACE = '{{ "{" }}';

/**
 * The Nunjucks template for a message's text: literal text stays literal, each value is `{{ name }}`.
 * A `{` that would open `{{`, `{%` or `{#` (with the next literal character, or with the `{{` of a
 * value that follows) is written `{{ "{" }}`, which renders as `{`. Not `{% raw %}`: the text may
 * itself hold `{% raw %}` or `{% endraw %}`, which a raw block cannot contain.
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
      const following = i + 1 < text.length ? text[i + 1] : next && "variable" in next ? "{" : undefined;
      template += char === "{" && following !== undefined && TAG_START.has(following) ? LITERAL_BRACE : char;
    }
  }
  return template;
}
