import { PromptOpsError } from "../errors.js";

export const BEGIN_MARKER = "# BEGIN promptops codeowners";
export const END_MARKER = "# END promptops codeowners";
const NOTE =
  "# Written by `promptops codeowners` from each prompt's owners: edit the owners, not these lines.";

/** One CODEOWNERS line: a repository path and who owns it. */
export interface CodeownersRule {
  /** Relative to the repository root, "/" separated. */
  path: string;
  owners: string[];
}

/**
 * A path as a CODEOWNERS pattern that matches that one file: anchored at the repository root (a
 * leading "/"), with the characters gitignore-style patterns give a meaning escaped by a backslash.
 * Null for a name no pattern can hold (a line break in it).
 */
export function codeownersPattern(path: string): string | null {
  if (/[\r\n]/.test(path)) return null;
  return `/${path.replace(/[\\ \t*?[\]#!]/g, (char) => `\\${char}`)}`;
}

/**
 * The marked block, lines sorted by path. `eol` is the file's own line ending, so a CRLF file
 * stays CRLF.
 */
export function renderBlock(rules: readonly CodeownersRule[], eol: string): string {
  const lines = [BEGIN_MARKER, NOTE];
  for (const rule of [...rules].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const pattern = codeownersPattern(rule.path);
    if (pattern !== null && rule.owners.length > 0) lines.push(`${pattern} ${rule.owners.join(" ")}`);
  }
  lines.push(END_MARKER);
  return lines.map((line) => `${line}${eol}`).join("");
}

export function lineEndingOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/**
 * `text` with its marked block replaced by `block` (or `block` appended when there is none),
 * every byte outside the block kept as it was.
 */
export function spliceBlock(text: string, block: string, file: string): string {
  const lines = text.split(/(?<=\n)/);
  const trimmed = lines.map((line) => line.replace(/\r?\n$/, "").trimEnd());
  const begins = indexesOf(trimmed, BEGIN_MARKER);
  const ends = indexesOf(trimmed, END_MARKER);
  if (begins.length === 0 && ends.length === 0) {
    const eol = lineEndingOf(text);
    const separator = text === "" || text.endsWith("\n") ? "" : eol;
    return `${text}${separator}${block}`;
  }
  const begin = begins[0];
  const end = ends[0];
  if (begins.length !== 1 || ends.length !== 1 || begin === undefined || end === undefined || end < begin) {
    const line = (begins.length !== 1 ? (begins[1] ?? begins[0]) : (ends[1] ?? ends[0] ?? begin)) ?? 0;
    throw new PromptOpsError(
      "codeowners-markers",
      `${file} has ${begins.length} "${BEGIN_MARKER}" and ${ends.length} "${END_MARKER}" lines: expected one of each, in that order`,
      {
        exitCode: 1,
        location: { file, line: line + 1, col: 1 },
        hint: "delete the promptops lines (both markers and what is between them) and run `promptops codeowners` again",
      },
    );
  }
  return lines.slice(0, begin).join("") + block + lines.slice(end + 1).join("");
}

function indexesOf(lines: readonly string[], marker: string): number[] {
  const found: number[] = [];
  lines.forEach((line, i) => {
    if (line === marker) found.push(i);
  });
  return found;
}
