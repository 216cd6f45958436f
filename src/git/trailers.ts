/**
 * Trailers ("Key: value" lines closing a commit or tag message), parsed the way
 * `git interpret-trailers --parse` does (git 2.39 trailer.c, default configuration), so
 * listing 1000 tags does not cost 1000 processes. The offsets mirror git's C code on
 * purpose: the edge cases (the 25% rule, comment lines, a "---" divider, folded values)
 * then match git's, and test/git/trailers.test.ts checks them against the real command.
 */
export interface Trailer {
  key: string;
  value: string;
}

const COMMENT_CHAR = "#";
// Lines git writes itself; one of them lets a block with other text still count (the 25% rule).
const GIT_GENERATED_PREFIXES = ["Signed-off-by: ", "(cherry picked from commit "];
const CUT_LINE = `${COMMENT_CHAR} ------------------------ >8 ------------------------\n`;

export function parseTrailers(message: string): Trailer[] {
  const end = findTrailerEnd(message, findPatchStart(message));
  const start = findTrailerStart(message, end);
  const trailers: Trailer[] = [];
  let last: { key: string; raw: string } | undefined;
  const flush = () => {
    if (last) trailers.push({ key: last.key, value: unfold(trim(last.raw)) });
    last = undefined;
  };
  for (let bol = start; bol < end; bol = nextLine(message, bol)) {
    const line = message.slice(bol, nextLine(message, bol));
    // An indented line continues the trailer above it (a folded value).
    if (last && isSpace(line[0])) {
      last.raw += line;
      continue;
    }
    flush();
    if (line.startsWith(COMMENT_CHAR)) continue;
    const separator = findSeparator(line);
    if (separator >= 1) last = { key: trim(line.slice(0, separator)), raw: line.slice(separator + 1) };
  }
  flush();
  return trailers;
}

/** The value of the last trailer named `key` (compared case-insensitively, as git does). */
export function trailerValue(trailers: Trailer[], key: string): string | undefined {
  const wanted = key.toLowerCase();
  return trailers.findLast((t) => t.key.toLowerCase() === wanted)?.value;
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && " \t\n\v\f\r".includes(c);
}

function nextLine(s: string, i: number): number {
  const nl = s.indexOf("\n", i);
  return nl === -1 ? s.length : nl + 1;
}

/** Start of the last line in s[0, len), where a final "\n" belongs to that line. */
function lastLine(s: string, len: number): number {
  if (len === 0) return -1;
  for (let i = len - 2; i >= 0; i--) if (s[i] === "\n") return i + 1;
  return 0;
}

function isBlankLine(s: string, i: number): boolean {
  while (i < s.length && s[i] !== "\n" && isSpace(s[i])) i++;
  return i >= s.length || s[i] === "\n";
}

/** Position of the ":" ending a token of letters, digits and "-" (spaces allowed before it), or -1. */
function findSeparator(line: string): number {
  let whitespaceFound = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ":") return i;
    if (!whitespaceFound && /[A-Za-z0-9-]/.test(c)) continue;
    if (i !== 0 && (c === " " || c === "\t")) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

// git's isspace() is ASCII-only; JavaScript's \s and trim() would also eat U+00A0 and friends.
function trim(value: string): string {
  return value.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
}

/** A folded value becomes one line: each line break and the indentation after it, one space. */
function unfold(value: string): string {
  return trim(value.replace(/\n[ \t\n\v\f\r]*/g, " "));
}

/** A line starting with "---" and whitespace divides a message from a patch. */
function findPatchStart(s: string): number {
  for (let i = 0; i < s.length; i = nextLine(s, i)) {
    if (s.startsWith("---", i) && isSpace(s[i + 3])) return i;
  }
  return s.length;
}

/** Drop trailing comment and blank lines (and a scissors line with all below it). */
function findTrailerEnd(s: string, len: number): number {
  let cutoff = len;
  if (s.startsWith(CUT_LINE)) cutoff = 0;
  else {
    const cut = s.indexOf(`\n${CUT_LINE}`);
    if (cut !== -1) cutoff = Math.min(len, cut + 1);
  }
  let boc = 0;
  let inConflictsBlock = false;
  for (let bol = 0; bol < cutoff; ) {
    const nl = s.indexOf("\n", bol);
    const next = nl === -1 || nl >= cutoff ? cutoff : nl + 1;
    if (s[bol] === COMMENT_CHAR || s[bol] === "\n") {
      if (!boc) boc = bol;
    } else if (s.startsWith("Conflicts:\n", bol)) {
      inConflictsBlock = true;
      if (!boc) boc = bol;
    } else if (inConflictsBlock && s[bol] === "\t") {
      // a path listed in an old-style "Conflicts:" block
    } else if (boc) {
      boc = 0;
      inConflictsBlock = false;
    }
    bol = next;
  }
  return boc ? boc : cutoff;
}

/**
 * Start of the trailer block: the last paragraph (never the first, the title) if it is
 * all trailers, or has a git-generated trailer and at least 25% trailer lines.
 */
function findTrailerStart(s: string, len: number): number {
  let endOfTitle: number;
  for (endOfTitle = 0; endOfTitle < len; endOfTitle = nextLine(s, endOfTitle)) {
    if (s[endOfTitle] === COMMENT_CHAR) continue;
    if (isBlankLine(s, endOfTitle)) break;
  }

  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  // Indented lines count as continuations if a trailer follows above, as text otherwise.
  let possibleContinuationLines = 0;
  for (let l = lastLine(s, len); l >= endOfTitle; l = lastLine(s, l)) {
    if (s[l] === COMMENT_CHAR) {
      nonTrailerLines += possibleContinuationLines;
      possibleContinuationLines = 0;
      continue;
    }
    if (isBlankLine(s, l)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuationLines;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return nextLine(s, l);
      if (trailerLines && !nonTrailerLines) return nextLine(s, l);
      return len;
    }
    onlySpaces = false;
    const line = s.slice(l, nextLine(s, l));
    if (GIT_GENERATED_PREFIXES.some((prefix) => line.startsWith(prefix))) {
      trailerLines++;
      possibleContinuationLines = 0;
      recognizedPrefix = true;
    } else if (findSeparator(line) >= 1 && !isSpace(line[0])) {
      trailerLines++;
      possibleContinuationLines = 0;
    } else if (isSpace(line[0])) {
      possibleContinuationLines++;
    } else {
      nonTrailerLines += 1 + possibleContinuationLines;
      possibleContinuationLines = 0;
    }
  }
  return len;
}
