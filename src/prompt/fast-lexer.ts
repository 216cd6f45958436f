import lexer from "nunjucks/src/lexer.js";

/**
 * Speed: every template of a lockfile is parsed when it is loaded, and Nunjucks' tokenizer reads
 * text one character at a time, growing a string by one character per step (most of the load time
 * of a large lockfile, and most of its garbage). This replaces its one scanning primitive,
 * `_extractMatching`, with one that finds the end of the run first and slices once, moving line
 * and column exactly as the original's per-character `forward()` does: the same tokens at the same
 * positions (test/prompt/fast-lexer.test.ts compares both on every fixture template). Nunjucks is
 * pinned to 3.2.4 by package-lock.json; the test fails if a release changes the primitive.
 */
interface Tokenizer {
  str: string;
  index: number;
  len: number;
  lineno: number;
  colno: number;
  _extractMatching(breakOnMatch: boolean, charString: string): string | null;
}

const tokenizer = Object.getPrototypeOf(lexer.lex("")) as Tokenizer;

/** Nunjucks' own implementation, kept for the equivalence test. */
export const nunjucksExtractMatching = tokenizer._extractMatching;

export function extractMatching(this: Tokenizer, breakOnMatch: boolean, charString: string): string | null {
  const { str, len } = this;
  const start = this.index;
  if (start >= len) return null;
  // breakOnMatch: take characters outside the set; otherwise, characters inside it.
  const inSet = membership(charString);
  let end = start;
  while (end < len) {
    const code = str.charCodeAt(end);
    const member = code < 256 ? inSet[code] === 1 : charString.includes(str.charAt(end));
    if (member === breakOnMatch) break;
    end++;
  }
  if (end === start) return "";
  const text = str.slice(start, end);
  const lastNewline = text.lastIndexOf("\n");
  if (lastNewline === -1) this.colno += end - start;
  else {
    let newlines = 0;
    for (let i = 0; i <= lastNewline; i++) if (text.charCodeAt(i) === 10) newlines++;
    this.lineno += newlines;
    this.colno = end - start - lastNewline - 1;
  }
  this.index = end;
  return text;
}

// The tokenizer asks about a handful of fixed sets (delimiters, whitespace, tag starts): a table each.
const tables = new Map<string, Uint8Array>();

function membership(charString: string): Uint8Array {
  let table = tables.get(charString);
  if (!table) {
    table = new Uint8Array(256);
    for (let i = 0; i < charString.length; i++) {
      const code = charString.charCodeAt(i);
      if (code < 256) table[code] = 1;
    }
    tables.set(charString, table);
  }
  return table;
}

tokenizer._extractMatching = extractMatching;
