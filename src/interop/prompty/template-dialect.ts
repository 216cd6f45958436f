/**
 * Jinja2 (Prompty's template language) and Nunjucks (ours) agree on the constructs prompts use —
 * `{{ x }}`, filters, `{% if %}`, `{% for item in items %}`, `loop.index`, `{% set %}`, `~` — and
 * differ in a few spellings, rewritten here in either direction: Jinja's `is none` test is
 * Nunjucks' `is null`, and Jinja iterates a map's pairs with `.items()`, a method call that
 * promptops templates may not make, where Nunjucks iterates the map itself. Only the code inside
 * `{{ }}` and `{% %}` is touched, never text, comments, raw blocks or string literals.
 */

type TagKind = "output" | "statement";

/** Applies `rewrite` to the code of every `{{ }}` and `{% %}` tag, outside string literals. */
export function rewriteTagCode(source: string, rewrite: (code: string, kind: TagKind) => string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{", i);
    if (open < 0 || open === source.length - 1) break;
    const next = source[open + 1];
    if (next === "#") {
      const end = source.indexOf("#}", open + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    if (next !== "{" && next !== "%") {
      out += source.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    const close = next === "{" ? "}}" : "%}";
    const end = tagEnd(source, open + 2, close);
    if (end < 0) break;
    const code = source.slice(open + 2, end);
    if (next === "%" && /^-?\s*raw\s*-?$/.test(code)) {
      const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
      endRaw.lastIndex = end + 2;
      const found = endRaw.exec(source);
      const stop = found ? found.index + found[0].length : source.length;
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    out +=
      source.slice(i, open + 2) +
      outsideStrings(code, (text) => rewrite(text, next === "{" ? "output" : "statement")) +
      close;
    i = end + 2;
  }
  return out + source.slice(i);
}

function tagEnd(source: string, from: number, close: string): number {
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (source.startsWith(close, i)) return i;
  }
  return -1;
}

function outsideStrings(code: string, rewrite: (text: string) => string): string {
  const parts = code.split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/);
  return parts.map((part, n) => (n % 2 === 1 ? part : rewrite(part))).join("");
}

/** Jinja2 → Nunjucks. */
export function jinjaToNunjucks(source: string): string {
  return rewriteTagCode(source, (code, kind) => {
    let text = code.replace(
      /\bis(\s+not)?\s+none\b/g,
      (_m, not: string | undefined) => `is${not ?? ""} null`,
    );
    if (kind === "statement")
      text = text.replace(
        /^(-?\s*for\s+\w+\s*,\s*\w+\s+in\s+[A-Za-z_][\w.]*)\.items\(\)/,
        (_m, head: string) => head,
      );
    return text;
  });
}

/**
 * Nunjucks → Jinja2. `isMap` says whether a loop's expression (`ticket.fields`) is a map: a
 * two-name loop over a map iterates its pairs, which Jinja spells `.items()`.
 */
export function nunjucksToJinja(source: string, isMap: (expression: string) => boolean): string {
  return rewriteTagCode(source, (code, kind) => {
    let text = code.replace(
      /\bis(\s+not)?\s+null\b/g,
      (_m, not: string | undefined) => `is${not ?? ""} none`,
    );
    if (kind === "statement")
      text = text.replace(
        /^(-?\s*for\s+\w+\s*,\s*\w+\s+in\s+)([A-Za-z_][\w.]*)(?=\s*(?:-\s*)?$)/,
        (m, head: string, expression: string) => (isMap(expression) ? `${head}${expression}.items()` : m),
      );
    return text;
  });
}
