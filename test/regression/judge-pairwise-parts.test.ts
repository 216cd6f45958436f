import { describe, expect, it } from "vitest";
import { combineVotes, parsePreference, voteOf } from "../../src/regression/judge/pairwise-verdict.js";

describe("a pairwise judge's reply", () => {
  it.each([
    ['{"preferred": "first", "reasoning": "Clearer."}', "first"],
    ['Here you go:\n```json\n{"preferred": " Second ", "reasoning": "x"}\n```', "second"],
    ['{"preferred": "tie"}', "tie"],
  ])("reads %j as %s", (reply, preferred) => {
    expect(parsePreference(reply)).toMatchObject({ ok: true, preferred });
  });

  it.each([
    ["Both are fine.", "the reply holds no JSON object"],
    ['{"preferred": "A"}', 'the reply\'s "preferred" is not first, second or tie'],
    ['{"score": 1}', 'the reply\'s "preferred" is not first, second or tie'],
  ])("refuses %j rather than guess", (reply, problem) => {
    const parsed = parsePreference(reply);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe("two orders' votes", () => {
  const vote = (order: "current-first" | "baseline-first", preferred: "first" | "second" | "tie") =>
    voteOf(order, { preferred, reasoning: "" });

  it("map first and second back to the side shown there", () => {
    expect(vote("current-first", "first").preferred).toBe("current");
    expect(vote("baseline-first", "first").preferred).toBe("baseline");
    expect(vote("baseline-first", "second").preferred).toBe("current");
  });

  it("name a winner only when both orders agree; a tie or a disagreement is a tie", () => {
    const agreed = combineVotes("r", [vote("current-first", "second"), vote("baseline-first", "first")]);
    expect(agreed).toMatchObject({ winner: "baseline", consistent: true });
    const biased = combineVotes("r", [vote("current-first", "first"), vote("baseline-first", "first")]);
    expect(biased).toMatchObject({ winner: "tie", consistent: false });
    const halfTie = combineVotes("r", [vote("current-first", "tie"), vote("baseline-first", "second")]);
    expect(halfTie).toMatchObject({ winner: "tie", consistent: false });
    const bothTie = combineVotes("r", [vote("current-first", "tie"), vote("baseline-first", "tie")]);
    expect(bothTie).toMatchObject({ winner: "tie", consistent: true });
  });
});
