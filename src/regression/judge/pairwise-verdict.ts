import { oneLine } from "../../text/truncate.js";
import type { PairwiseComparison, PairwiseOutcome, PairwiseVote } from "../baseline/baseline-results.js";
import { replyObject, shortened } from "./parse-judgment.js";

export type Preference = "first" | "second" | "tie";

export type ParsedPreference =
  | { ok: true; preferred: Preference; reasoning: string }
  | { ok: false; problem: string };

const PREFERENCES: ReadonlySet<string> = new Set(["first", "second", "tie"]);

/**
 * Reads a pairwise judge's reply as a verdict is read (fence stripped, prose around the object
 * allowed); `preferred` must be first, second or tie (any case). Anything else is a problem naming
 * what was found, never a guessed preference.
 */
export function parsePreference(reply: string): ParsedPreference {
  const object = replyObject(reply);
  if (!object) return { ok: false, problem: `the reply holds no JSON object: ${shortened(reply)}` };
  const raw = object.preferred;
  const preferred = typeof raw === "string" ? raw.trim().toLowerCase() : undefined;
  if (preferred === undefined || !PREFERENCES.has(preferred))
    return {
      ok: false,
      problem: `the reply's "preferred" is not first, second or tie: ${shortened(reply)}`,
    };
  const reasoning = typeof object.reasoning === "string" ? object.reasoning.trim() : "";
  return { ok: true, preferred: preferred as Preference, reasoning };
}

/** An answer about "first" and "second", as a vote for the side that was shown in that place. */
export function voteOf(
  order: PairwiseVote["order"],
  answer: { preferred: Preference; reasoning: string },
): PairwiseVote {
  const [first, second] =
    order === "current-first" ? (["current", "baseline"] as const) : (["baseline", "current"] as const);
  const preferred =
    answer.preferred === "first" ? first : answer.preferred === "second" ? second : ("tie" as const);
  return { order, preferred, reasoning: answer.reasoning };
}

/**
 * Both orders' votes as one comparison: a side wins only when both orders prefer it. A judge that
 * answers by position ("first" both times) votes for each side once: a tie, and not consistent.
 */
export function combineVotes(
  rubric: string,
  votes: readonly [PairwiseVote, PairwiseVote],
): PairwiseComparison {
  const [a, b] = votes;
  const consistent = a.preferred === b.preferred;
  return { rubric, winner: consistent ? a.preferred : "tie", votes: [a, b], consistent };
}

/** `pairwise: baseline preferred for "Quotes the 30-day window." · tie, the orders disagreed for "…"` */
export function describePairwise(outcomes: readonly PairwiseOutcome[] | undefined): string | undefined {
  if (!outcomes || outcomes.length === 0) return undefined;
  const parts = outcomes.map((outcome) => {
    const rubric = JSON.stringify(oneLine(outcome.rubric, 60));
    if ("error" in outcome) return `not judged for ${rubric}: ${oneLine(outcome.error, 160)}`;
    if (outcome.winner !== "tie") return `${outcome.winner} preferred for ${rubric}`;
    return `${outcome.consistent ? "tie" : "tie, the orders disagreed"} for ${rubric}`;
  });
  return `pairwise: ${parts.join(" · ")}`;
}
