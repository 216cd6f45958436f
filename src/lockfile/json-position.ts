import { escapePointerSegment } from "../schemas/json-pointer.js";

/**
 * Positions in JSON text, for errors that point at a line and column. JSON.parse keeps no source
 * positions, and for some syntax errors (`Unexpected token 'x', "…" is not valid JSON`) V8 gives none,
 * so this walks the text itself; it runs only when there is an error to report.
 */

export interface LineCol {
  line: number;
  col: number;
}

/** 1-based line and column of a UTF-16 offset, as editors count them. */
export function lineColAt(text: string, offset: number): LineCol {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Where JSON.parse failed: V8's own "position N" when it gives one, else the first offset this walker rejects. */
export function syntaxErrorOffset(text: string, error: unknown): number {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "");
  if (position) return Number(position[1]);
  return walk(text, undefined).error ?? text.length;
}

/**
 * Where the value at a JSON pointer starts, or with `part: "key"` where its member name starts (an
 * error about a whole entry points at the entry's name; a wrong value at the value).
 */
export function pointerOffset(
  text: string,
  pointer: string,
  part: "key" | "value" = "value",
): number | undefined {
  return walk(text, pointer, part).found;
}

class Stop {
  constructor(readonly offset: number | undefined) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function walk(
  text: string,
  target: string | undefined,
  part: "key" | "value" = "value",
): { error?: number; found?: number } {
  let i = 0;
  let found: number | undefined;

  const note = (pointer: string, offset: number) => {
    if (pointer !== target || found !== undefined) return;
    found = offset;
    throw new Stop(offset);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) return JSON.parse(text.slice(start, ++i)) as string;
      if (code < 0x20) throw new Stop(i);
      if (code === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) throw new Stop(i);
        i = ESCAPE.lastIndex;
      } else i++;
    }
    throw new Stop(i);
  };
  const value = (pointer: string): void => {
    space();
    note(pointer, i);
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') throw new Stop(i);
        const keyAt = i;
        const child = `${pointer}/${escapePointerSegment(string())}`;
        if (part === "key") note(child, keyAt);
        space();
        if (text[i++] !== ":") throw new Stop(i - 1);
        value(child);
        space();
        const next = text[i++];
        if (next === "}") return;
        if (next !== ",") throw new Stop(i - 1);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (let index = 0; ; index++) {
        value(`${pointer}/${index}`);
        space();
        const next = text[i++];
        if (next === "]") return;
        if (next !== ",") throw new Stop(i - 1);
      }
    }
    if (c === '"') return void string();
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) throw new Stop(i);
    i = NUMBER.lastIndex;
  };

  try {
    value("");
    space();
    return i < text.length ? { error: i } : {};
  } catch (stop) {
    // A RangeError here is absurdly deep nesting: give up on the position, not on the error.
    if (!(stop instanceof Stop)) return {};
    return found === undefined ? { error: stop.offset } : { found };
  }
}
