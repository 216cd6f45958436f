/** A .prompt file cut as dotprompt cuts it (js/src/parse.ts), with where each half starts. */
export interface DotpromptFile {
  /** The YAML front matter, or undefined when the file has none. */
  frontMatter: string | undefined;
  /** 1-based line of the front matter's first line. */
  frontMatterLine: number;
  /** The Handlebars template: the body trimmed, as dotprompt renders it. */
  template: string;
  /** Where the template's first character is in the file (1-based line, 0-based column). */
  templateStart: { line: number; column: number };
}

// dotprompt's FRONTMATTER_AND_BODY_REGEX: comment and blank lines, then ---, YAML, ---, body.
const FRONT_MATTER =
  /^(?:(?:#[^\n]*|[ \t]*)\n)*---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/;

export function splitDotprompt(text: string): DotpromptFile {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    // No front matter: dotprompt renders the whole file, untrimmed.
    return {
      frontMatter: undefined,
      frontMatterLine: 1,
      template: text,
      templateStart: { line: 1, column: 0 },
    };
  }
  const frontMatter = match[1]!;
  const body = match[2]!;
  const frontMatterStart = text.indexOf(frontMatter, text.indexOf("---"));
  const leading = body.length - body.trimStart().length;
  const start = positionOf(text, text.length - body.length + leading);
  return {
    frontMatter,
    frontMatterLine: positionOf(text, frontMatterStart).line,
    template: body.trim(),
    templateStart: start,
  };
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split("\n");
  return { line: lines.length, column: lines.at(-1)!.length };
}
