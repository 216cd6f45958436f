import stringWidth from "string-width";

// Terminal columns, not code points: a CJK character or an emoji takes two columns, a combining
// mark or a zero-width joiner none, and a ZWJ family or a flag is one two-column glyph made of
// several code points. Padding by `.length` pushed every column after such text out of line.
// string-width follows Unicode's East Asian Width and emoji data, which we would not keep current
// by hand.

let graphemes: Intl.Segmenter | undefined;

/** The columns `text` takes in a terminal (and in a monospaced Markdown code block). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` followed by spaces up to `width` columns (unchanged when it is already as wide). */
export function padEndToWidth(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

export interface DisplayCharacter {
  text: string;
  width: number;
}

/** What is seen as one character (a grapheme cluster), each with the columns it takes. */
export function displayCharacters(text: string): DisplayCharacter[] {
  graphemes ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  return Array.from(graphemes.segment(text), ({ segment }) => ({
    text: segment,
    width: stringWidth(segment),
  }));
}

/**
 * Lines of at most `width` columns, broken at the last space that fits when there is one, never
 * inside a character (an emoji, a flag, a letter with its accents). A character wider than
 * `width` gets a line of its own.
 */
export function wrapToWidth(text: string, width: number): string[] {
  const lines: string[] = [];
  let line: DisplayCharacter[] = [];
  let used = 0;
  for (const char of displayCharacters(text)) {
    if (used + char.width > width && line.length > 0) {
      if (char.text === " ") {
        // A space where the line is full ends it, and is dropped.
        lines.push(joinText(line));
        line = [];
        used = 0;
        continue;
      }
      const space = findLastSpace(line);
      // Break after the last space in the line (dropping it), else before this character.
      lines.push(joinText(space > 0 ? line.slice(0, space) : line));
      line = space > 0 ? line.slice(space + 1) : [];
      used = line.reduce((sum, c) => sum + c.width, 0);
      if (used + char.width > width && line.length > 0) {
        lines.push(joinText(line));
        line = [];
        used = 0;
      }
    }
    line.push(char);
    used += char.width;
  }
  lines.push(joinText(line));
  return lines;
}

function findLastSpace(line: ReadonlyArray<{ text: string }>): number {
  for (let i = line.length - 1; i >= 0; i--) if (line[i]!.text === " ") return i;
  return -1;
}

const joinText = (chars: ReadonlyArray<{ text: string }>) => chars.map((c) => c.text).join("");
