import { truncate } from "../text/truncate.js";

/** A `regex` or `not-regex` value: a pattern, or `{ pattern, flags }`. */
export interface RegexSpec {
  pattern: string;
  flags: string;
}

export interface RegexValueProblem {
  message: string;
  hint?: string;
}

// `/x/i` in YAML is a string whose slashes would be matched literally: a pattern copied from
// JavaScript that would quietly never match. With no flags, "/api/v1/" is caught too; a pattern
// that must start with a slash writes it as `\/`.
const SLASHED = /^\/(.+)\/([dgimsuvy]*)$/s;

/** The pattern and flags of a `regex`/`not-regex` value, or why the value is not one. */
export function regexSpec(type: string, value: unknown): RegexSpec | RegexValueProblem {
  if (typeof value === "string") {
    const slashed = SLASHED.exec(value);
    if (slashed) {
      const [, pattern, flags] = slashed;
      return {
        message: `${type}: ${JSON.stringify(truncate(value, 60))} is written like a JavaScript /pattern/${flags ? "flags" : ""} literal, but its slashes would be matched as text`,
        hint: `write ${flags ? `{ pattern: ${JSON.stringify(pattern)}, flags: ${flags} }` : JSON.stringify(pattern)}; to match a slash at the start, write it as \\/`,
      };
    }
    return { pattern: value, flags: "" };
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const { pattern, flags = "", ...rest } = value as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined)
      return { message: `${type}: unknown key "${unknown}"`, hint: "the keys are pattern and flags" };
    if (typeof pattern === "string" && typeof flags === "string") return { pattern, flags };
  }
  return {
    message: `${type} expects a pattern or { pattern, flags }, found ${value === null ? "null" : Array.isArray(value) ? "a list" : typeof value}`,
  };
}

export function isRegexProblem(spec: RegexSpec | RegexValueProblem): spec is RegexValueProblem {
  return "message" in spec;
}
