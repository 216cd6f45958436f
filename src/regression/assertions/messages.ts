import { truncate } from "../../text/truncate.js";
import type { AssertionOutcome } from "./context.js";

// Messages are one line in every reporter: texts are shown JSON-quoted (newlines as \n) and cut
// short, so a 4,000-character reply never floods a terminal or a JUnit file.
const SHOWN_WHOLE = 80;
const OPENING = 60;
const AROUND = 30;

/** Characters as a person counts them: code points, so an emoji is one, not two. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A UTF-16 index (from indexOf or a regex) as a character position. */
export function charPosition(text: string, index: number): number {
  return charCount(text.slice(0, index));
}

/** `"text"`, cut to `max` characters with an ellipsis. */
export function quote(text: string, max = OPENING): string {
  return JSON.stringify(truncate(text, max));
}

/** The found side of a message: the whole output when short, its opening otherwise. */
export function describeOutput(output: string): string {
  const length = charCount(output);
  if (length === 0) return "output is empty";
  if (length <= SHOWN_WHOLE) return `output (${length} chars) is ${JSON.stringify(output)}`;
  return `output (${length} chars) starts ${quote(output, OPENING)}`;
}

/** Where a match is and the text around it: `at char 120: "…offer a refund within 30 days…"`. */
export function describeMatch(output: string, index: number, length: number): string {
  let start = Math.max(0, index - AROUND);
  let end = Math.min(output.length, index + length + AROUND);
  // Never cut a surrogate pair in half: the excerpt would end in a replacement character.
  if (start > 0 && isLowSurrogate(output.charCodeAt(start))) start--;
  if (end < output.length && isLowSurrogate(output.charCodeAt(end))) end++;
  const excerpt = `${start > 0 ? "…" : ""}${output.slice(start, end)}${end < output.length ? "…" : ""}`;
  return `at char ${charPosition(output, index)}: ${JSON.stringify(excerpt)}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** An outcome for an expected value of the wrong shape; validate reports these before a run. */
export function badValue(type: string, expected: string, value: unknown): AssertionOutcome {
  const found = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
  return { pass: false, score: 0, message: `${type} expects ${expected}, found ${found}` };
}

export function verdict(pass: boolean, message: string): AssertionOutcome {
  return { pass, score: pass ? 1 : 0, message };
}
