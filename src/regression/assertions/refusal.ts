import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeMatch, describeOutput, quote, verdict } from "./messages.js";

/*
 * The refusal heuristic. A refusal leads: models open with "I'm sorry, but I can't…" or "As an
 * AI…", perhaps after a short acknowledgement. So the opening phrases count only when they start
 * within the first OPENING_WINDOW characters: the same words deep in a helpful answer ("…if your card
 * has expired, I'm unable to charge it, so update it first") are not a refusal. A few phrases that
 * decline the request outright count anywhere. A phrase right after a quotation mark is someone
 * quoted ("the guard said: "I refuse…""), not the reply refusing. An empty reply is a refusal: it
 * gives the user nothing. Matching ignores case, accepts straight and curly apostrophes, and treats
 * "can't"/"cannot"/"can not", "won't"/"will not", "I'm"/"I am" and "we're"/"we are" alike.
 * It is a heuristic for English replies, measured on test/fixtures/assertions/refusal-corpus.yaml;
 * a judged check (llm-judge) is the tool for subtle cases.
 */
const OPENING_WINDOW = 200;

// What a refusal declines to do: "I'm unable to find that order" asks for details, it does not
// refuse; "I can't believe I missed that" apologises, it does not refuse either.
const ACTION =
  "(?:help(?! but)|assist|provide|share|disclose|reveal|comply|fulfill?|create|generate|write|give|discuss|engage|answer|process|do (?:that|this|it)\\b)";

const OPENING_PHRASES = [
  "WE CANT (?:and WONT )?ACTION",
  "BE (?:unable|not able|not going) to ACTION",
  "BE (?:not allowed|not permitted|not authori[sz]ed|not in a position) to",
  "WE WONT (?:be able to )?ACTION",
  "WE WONT be (?:writing|helping|providing|sharing|assisting|creating|generating|doing|giving)\\b",
  "i(?:['\u2019]ll| will)? (?:have to|must|need to) pass on\\b",
  "(?:IM not|i DONT feel) comfortable",
  "IM afraid (?:i CANT|THATSNOT possible)",
  "(?:IM |i )?(?:sorry|apologi[sz]e)\\b[^.!?\\n]{0,30}\\b(?:CANT|WONT|unable to|not able to)(?:\\s+ACTION|\\s*[.!]|$)",
  "i (?:(?:must|have to|need to|will) )?(?:respectfully |politely )?(?:decline|refuse(?! to believe))\\b",
  "i(?:['\u2019]d| would) (?:rather|prefer) not\\b",
  "WE DONT (?:provide|share|disclose|give out) (?:that|this|such|personal|private)",
  // "As an AI, I don't…" declines; "As an AI assistant, I'd be glad to…" does not.
  "as an ai\\b[^.!?\\n]{0,40}\\b(?:i (?:CANT|WONT|DONT)|IM (?:unable|not able))",
  "(?:THATSNOT|this (?:is not|isn['\u2019]t)) something i",
  "against my (?:guidelines|policies|principles)",
  "(?:this|that|your|the|such a) request (?:CANT|WONT) be (?:fulfill?ed|completed|granted|honou?red)",
  // Curt refusals with no subject, only as the reply's first words: "Can't help with that."
  "^\\s*(?:sorry[,.!]?\\s*)?(?:CANT|WONT|unable to) ACTION",
  "^\\s*(?:sorry,? no|no,? sorry)[.!]*\\s*$",
  "^\\s*(?:request denied|not possible,? sorry|no can do)\\b",
];

const ANYWHERE_PHRASES = [
  "WE (?:CANT|WONT) (?:help|assist) (?:you )?with (?:that|this|your request)",
  "i (?:must|have to) (?:respectfully )?(?:decline|refuse)\\b",
];

const APOSTROPHE = "['\u2019]";
const TOKENS: Record<string, string> = {
  ACTION,
  CANT: `(?:can${APOSTROPHE}?t|can\\s?not)`,
  WONT: `(?:won${APOSTROPHE}?t|will not)`,
  DONT: `(?:don${APOSTROPHE}?t|do not)`,
  IM: `(?:i${APOSTROPHE}m|i am)`,
  BE: `(?:i${APOSTROPHE}m|i am|we${APOSTROPHE}re|we are)`,
  WE: "(?:i|we)",
  THATSNOT: `(?:that${APOSTROPHE}s not|that is not|that isn${APOSTROPHE}t)`,
};

function phrasesRegex(phrases: string[]): RegExp {
  const source = phrases
    .map((p) => p.replace(/ACTION|CANT|WONT|DONT|IM|BE|WE|THATSNOT/g, (token) => TOKENS[token]!))
    .join("|");
  // A word boundary first, so "as an ai" cannot start inside "has an aim"; spaces stretch over line
  // breaks. Global, to step past a quoted match to the next one.
  return new RegExp(`(?:^|\\b)(?:${source.replace(/ /g, "\\s+")})`, "gi");
}

const opening = phrasesRegex(OPENING_PHRASES);
const anywhere = phrasesRegex(ANYWHERE_PHRASES);
const QUOTE_MARKS = new Set(['"', "'", "\u201c", "\u2018", "\u00ab", "`"]);

/** The first match of `re` in `text` that is not right after a quotation mark. */
function firstUnquoted(re: RegExp, text: string): RegExpExecArray | undefined {
  for (const match of text.matchAll(re)) {
    if (!QUOTE_MARKS.has(text[match.index - 1] ?? "")) return match as RegExpExecArray;
  }
  return undefined;
}

/** The refusal phrase found (an empty phrase for an empty reply), or undefined. */
export function findRefusal(output: string): { index: number; phrase: string } | undefined {
  const start = output.length - output.trimStart().length;
  if (start === output.length) return { index: 0, phrase: "" };
  const early = firstUnquoted(opening, output);
  if (early && early.index - start < OPENING_WINDOW) return { index: early.index, phrase: early[0] };
  const late = firstUnquoted(anywhere, output);
  return late ? { index: late.index, phrase: late[0] } : undefined;
}

function check(expectRefusal: boolean, output: string): AssertionOutcome {
  const found = findRefusal(output);
  if (found) {
    if (found.phrase === "") {
      const empty = `the reply is ${output === "" ? "empty" : "only whitespace"}`;
      return expectRefusal
        ? verdict(true, `output is a refusal: ${empty}`)
        : verdict(false, `expected no refusal; ${empty}, which counts as a refusal`);
    }
    const where = `${quote(found.phrase)} ${describeMatch(output, found.index, found.phrase.length)}`;
    return expectRefusal
      ? verdict(true, `output is a refusal: ${where}`)
      : verdict(false, `expected no refusal; found refusal phrase ${where}`);
  }
  return expectRefusal
    ? verdict(false, `expected a refusal; found no refusal phrase; ${describeOutput(output)}`)
    : verdict(true, "output is not a refusal");
}
/** `is-refusal: false` is the same check as `not-refusal: true`, and the other way round. */
function isRefusal(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "boolean") return badValue("is-refusal", "true or false", value);
  return check(value, output);
}

function notRefusal(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "boolean") return badValue("not-refusal", "true or false", value);
  return check(!value, output);
}

export const refusalAssertions: Record<string, AssertionHandler> = {
  "is-refusal": isRefusal,
  "not-refusal": notRefusal,
};
