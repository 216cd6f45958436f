import { PromptOpsError } from "../errors.js";
import { isPartialProblem, type PartialStore } from "./partials.js";
import { analyseTemplate, type TemplateAnalysis } from "./template-analysis.js";

export interface InlinedTemplate {
  text: string;
  /** Every partial reached, directly or through other partials. */
  partials: Set<string>;
}

/**
 * Replaces each `{% include "name" %}` with the partial's text, recursively, so the versioned
 * content is self-contained: a version keeps rendering the same even after a partial changes.
 * Whitespace control on the tag (`{%-`, `-%}`) is kept by wrapping the text in an always-true block.
 */
export function inlinePartials(
  source: string,
  store: PartialStore,
  stack: readonly string[] = [],
  analysis: TemplateAnalysis = analyseTemplate(source),
): InlinedTemplate {
  const partials = new Set<string>();
  if (analysis.includes.length === 0) return { text: source, partials };
  const lineStarts = computeLineStarts(source);
  let text = "";
  let cursor = 0;
  for (const include of analysis.includes) {
    if (include.name === undefined) {
      throw new PromptOpsError("include-not-literal", "include must name a partial with a quoted string", {
        hint: 'write {% include "partials/name.njk" %}',
        exitCode: 1,
      });
    }
    const keywordOffset = (lineStarts[include.line0] ?? 0) + include.col0;
    const span = tagSpan(source, keywordOffset);
    const partial = store.get(include.name);
    if (isPartialProblem(partial)) {
      throw new PromptOpsError(
        "partial-unusable",
        `partial "${include.name}" cannot be used (${partial.kind})`,
        {
          exitCode: 1,
        },
      );
    }
    if (stack.includes(include.name)) {
      throw new PromptOpsError("include-cycle", `include cycle: ${[...stack, include.name].join(" -> ")}`, {
        exitCode: 1,
      });
    }
    const inner = inlinePartials(partial.text, store, [...stack, include.name], partial.analysis);
    partials.add(include.name);
    for (const name of inner.partials) partials.add(name);
    const open = span.trimLeft ? "{%- if true %}" : "";
    const close = span.trimRight ? "{% endif -%}" : "";
    const body =
      open || close ? `${open || "{% if true %}"}${inner.text}${close || "{% endif %}"}` : inner.text;
    text += source.slice(cursor, span.start) + body;
    cursor = span.end;
  }
  return { text: text + source.slice(cursor), partials };
}

function tagSpan(
  source: string,
  keywordOffset: number,
): { start: number; end: number; trimLeft: boolean; trimRight: boolean } {
  const before = /\{%(-?)\s*$/.exec(source.slice(Math.max(0, keywordOffset - 64), keywordOffset));
  const after = /include\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')(?:\s+ignore\s+missing)?\s*(-?)%\}/y;
  after.lastIndex = keywordOffset;
  const match = after.exec(source);
  if (!before || !match) {
    throw new PromptOpsError("include-unparsed", "could not find the extent of an include tag", {
      exitCode: 1,
    });
  }
  return {
    start: keywordOffset - before[0].length,
    end: keywordOffset + match[0].length,
    trimLeft: before[1] === "-",
    trimRight: match[2] === "-",
  };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
