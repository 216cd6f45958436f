import { oneLine } from "../../text/truncate.js";

/** A judge's verdict as it wrote it; the assertion's threshold, not `pass`, decides. */
export interface Judgment {
  score: number;
  /** The judge's own verdict, when it gave one. */
  pass?: boolean;
  reasoning?: string;
}

export type ParsedJudgment = { ok: true; judgment: Judgment } | { ok: false; problem: string };

/**
 * Reads a judge's reply: a ```json fence is stripped, and the first balanced `{…}` that parses as
 * JSON is the judgment, so a judge that adds prose around its object still counts. `score` may be a
 * number or a numeric string. Nothing is clamped or guessed: no object, no score, or a score
 * outside 0..1 is a problem that names what was found, never a default verdict.
 */
export function parseJudgment(reply: string): ParsedJudgment {
  const object = replyObject(reply);
  if (!object) return { ok: false, problem: `the reply holds no JSON object: ${shortened(reply)}` };
  const raw = object.score;
  const score =
    typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)
        ? Number(raw)
        : undefined;
  if (score === undefined || !Number.isFinite(score))
    return { ok: false, problem: `the reply has no numeric "score": ${shortened(reply)}` };
  if (score < 0 || score > 1)
    return { ok: false, problem: `the reply's score ${score} is outside 0..1: ${shortened(reply)}` };
  const pass =
    object.pass === true || object.pass === "true"
      ? true
      : object.pass === false || object.pass === "false"
        ? false
        : undefined;
  const reasoning = typeof object.reasoning === "string" ? object.reasoning.trim() : undefined;
  return {
    ok: true,
    judgment: { score, ...(pass === undefined ? {} : { pass }), ...(reasoning ? { reasoning } : {}) },
  };
}

/** The raw reply in a message: one line, at most `limit` characters, quoted. */
export function shortened(text: string, limit = 200): string {
  const line = oneLine(text, limit);
  return line === "" ? "(an empty reply)" : JSON.stringify(line);
}

/** The JSON object of a judge's reply, read as leniently as a verdict is: fence stripped, prose around it allowed. */
export function replyObject(reply: string): Record<string, unknown> | undefined {
  return firstJsonObject(stripFence(reply));
}

function stripFence(reply: string): string {
  const fenced = /```[a-zA-Z0-9_-]*[^\S\n]*\n([\s\S]*?)```/.exec(reply);
  return fenced ? fenced[1]! : reply;
}

/** The first `{…}` whose braces balance (outside strings) and that parses as a JSON object. */
function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // prose with braces, e.g. "{score}" before the real object: try the next one
    }
  }
  return undefined;
}

/** Index of the brace that closes the one at `start`, or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}
