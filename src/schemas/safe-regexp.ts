import { RE2JS } from "re2js";

/**
 * Regular expressions from prompt files (variable schema `pattern`s, `regex` assertions) and from
 * lockfiles run on a linear-time engine: RE2, through its pure-JS port re2js (no native addon, so
 * it bundles and runs wherever the runtime does). V8's backtracking engine takes exponential time
 * on patterns like `^(a+)+$`, so one user input could block an application's event loop for
 * seconds per render. RE2 has no backreferences or lookaround; such patterns are refused with a
 * hint, at `validate`, never silently changed.
 */
export interface SafeRegExp {
  test(text: string): boolean;
  /** The first match and its UTF-16 index, like RegExp.prototype.exec. */
  exec(text: string): { 0: string; index: number } | null;
  /** `/pattern/flags`: ajv keys compiled patterns by it, so it must differ between patterns. */
  toString(): string;
}

export interface RegexProblem {
  message: string;
  hint: string;
  /** A valid JavaScript pattern that RE2 cannot run (backreference, lookaround, a big repeat count). */
  unsupported?: true;
}

export const SAFE_REGEX_HINT =
  "promptops matches patterns with a linear-time engine (RE2) so that no input can make matching hang: it has no backreferences (\\1, \\k<name>) and no lookaround ((?=, (?!, (?<=, (?<!); rewrite the pattern without them";

export class UnsafePatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly problem: RegexProblem,
  ) {
    super(problem.message);
    this.name = "UnsafePatternError";
  }
}

const compiled = new Map<string, SafeRegExp | UnsafePatternError>();

/** The flags RE2 runs as JavaScript does: i, m, s and u (g, y, d and v change what a match is). */
export const SAFE_REGEX_FLAGS = "imsu";

/**
 * Compiles an ECMAScript pattern (with flags from SAFE_REGEX_FLAGS) for RE2, or throws
 * UnsafePatternError. Compiled patterns are kept: prompts and schemas use a handful, and reuse
 * them on every render.
 */
export function safeRegExp(pattern: string, flags = ""): SafeRegExp {
  const key = `${flags}/${pattern}`;
  let entry = compiled.get(key);
  if (!entry) {
    try {
      entry = compile(pattern, flags);
    } catch (error) {
      entry = error as UnsafePatternError;
    }
    compiled.set(key, entry);
  }
  if (entry instanceof UnsafePatternError) throw entry;
  return entry;
}

/** Why a pattern cannot be used, or undefined when it can. */
export function regexProblem(pattern: string, flags = ""): RegexProblem | undefined {
  try {
    safeRegExp(pattern, flags);
    return undefined;
  } catch (error) {
    if (error instanceof UnsafePatternError) return error.problem;
    throw error;
  }
}

/** ajv's `code.regExp` option: every `pattern` and `patternProperties` of a schema runs on RE2. */
export const ajvRegExpEngine = Object.assign(
  (pattern: string, u: string) => safeRegExp(pattern, u ? "u" : ""),
  {
    // In standalone validators (scripts/compile-schemas.mjs), whose patterns are our own and checked
    // by this module's tests: RE2 without the user-facing checks, which the standalone code cannot import.
    code: '((p) => { const { RE2JS } = require("re2js"); return RE2JS.compile(RE2JS.translateRegExp(p)); })',
  },
);

function compile(pattern: string, flags: string): SafeRegExp {
  const badFlag = [...flags].find((flag, i) => !SAFE_REGEX_FLAGS.includes(flag) || flags.indexOf(flag) !== i);
  if (badFlag !== undefined)
    throw new UnsafePatternError(pattern, {
      message: `flags "${flags}": "${badFlag}" is ${SAFE_REGEX_FLAGS.includes(badFlag) ? "given twice" : "not a supported flag"}`,
      hint: "flags may be i (ignore case), m (^ and $ match at line breaks), s (. matches line breaks) and u (Unicode)",
    });
  // The pattern must be what JSON Schema and assertions promise, an ECMAScript regex: re2js would
  // also accept RE2-only syntax (`(?i)`, `\pL`) and quietly read some invalid escapes as letters.
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw new UnsafePatternError(pattern, {
      message: `invalid regular expression /${pattern}/: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, "")}`,
      hint: "write an ECMAScript (JavaScript) regular expression",
    });
  }
  const unsupported = unsupportedConstruct(pattern);
  if (unsupported)
    throw new UnsafePatternError(pattern, { message: unsupported, hint: SAFE_REGEX_HINT, unsupported: true });
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(withJsClasses(pattern, flags.includes("s"))), re2Flags(flags));
  } catch (error) {
    const detail = (error as Error).message.replace(/^error parsing regexp: /, "");
    throw new UnsafePatternError(pattern, {
      message: `pattern /${pattern}/ cannot run on a linear-time engine: ${detail}`,
      hint: /repeat count/.test(detail) ? "a counted repetition may be at most {1000}" : SAFE_REGEX_HINT,
      unsupported: true,
    });
  }
  return {
    test: (text) => re.test(text),
    exec: (text) => re.exec(text) as { 0: string; index: number } | null,
    toString: () => `/${pattern}/${flags}`,
  };
}

// RE2's multiline ^ and $ match at "\n" only, JavaScript's also at "\r", U+2028 and U+2029.
function re2Flags(flags: string): number {
  return (
    (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) |
    (flags.includes("m") ? RE2JS.MULTILINE : 0) |
    (flags.includes("s") ? RE2JS.DOTALL : 0)
  );
}

/** Backreferences and lookaround, outside character classes, named in the user's terms. */
function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<")))
        return `pattern /${pattern}/ uses a backreference (\\${next}${next === "k" ? "<…>" : ""}), which a linear-time engine cannot run`;
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") inClass = true;
    else if (ch === "(" && pattern[i + 1] === "?") {
      const look = /^\(\?(=|!|<=|<!)/.exec(pattern.slice(i))?.[1];
      if (look) {
        const kind = look.startsWith("<") ? "lookbehind" : "lookahead";
        return `pattern /${pattern}/ uses a ${kind} ((?${look}…)), which a linear-time engine cannot run`;
      }
    }
  }
  return undefined;
}

// JavaScript's whitespace: RE2's \s is ASCII only ([\t\n\f\r ]).
const JS_SPACE =
  "\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";

/**
 * The pattern with JavaScript's meaning of `\s`, `\S` and `.` spelt out for RE2, whose `\s` is
 * ASCII only and whose `.` also matches \r, U+2028 and U+2029: a pattern matches on RE2 what it
 * matches in an editor's JSON Schema validator. (`\S` inside a class keeps RE2's meaning; with the
 * s flag `.` is left to RE2's DOTALL, which matches everything as JavaScript's does.)
 */
function withJsClasses(pattern: string, dotAll: boolean): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (next === "s") out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === "S" && !inClass) out += `[^${JS_SPACE}]`;
      else out += ch + next;
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
    } else if (ch === "[") {
      inClass = true;
      out += ch;
    } else out += ch === "." && !dotAll ? "[^\\n\\r\\x{2028}\\x{2029}]" : ch;
  }
  return out;
}
