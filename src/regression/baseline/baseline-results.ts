import type { AssertionResult, CaseStatus, TokenCounts, ToolCallResult } from "../results.js";

// What `--baseline` adds to the result shape (schemas/results.schema.json: caseBaseline,
// baselineReport); test/regression/baseline-schema.test.ts keeps the two in step.

/**
 * How a case moved against its baseline. `regressed`: it passed there and fails now; `improved`:
 * it failed there and passes now. An error on either side says nothing about the prompt (a
 * provider failed, the run stopped), so such a pair is `not-compared`.
 */
export type CaseChange = "regressed" | "improved" | "unchanged" | "not-compared";

/** The same case on the baseline version, and how the current one differs from it. */
export interface CaseBaseline {
  version: number;
  hash: string;
  status: CaseStatus;
  output: string;
  /** The baseline reply's tool calls, as a case's `toolCalls`. */
  toolCalls?: ToolCallResult[];
  cached: boolean;
  tokens: TokenCounts;
  /** What was spent on it now, as for any case: 0 when cached or reused, null when unpriced. */
  costUsd: number | null;
  latencyMs: number;
  /** Mean of its assertions' scores; null when none ran. */
  score: number | null;
  assertions: AssertionResult[];
  error?: string;
  /** Unified diff from the baseline's output to the current one; "" when they are the same. */
  diff: string;
  change: CaseChange;
  /** Current minus baseline; absent unless both sides got a reply. */
  delta?: CaseDelta;
  /** With --judge-pairwise: per llm-judge rubric of the test, which output a judge preferred. */
  pairwise?: PairwiseOutcome[];
}

export type PairwiseSide = "current" | "baseline";

/** One of the two questions a pairwise judge is asked, its answer mapped back to a side. */
export interface PairwiseVote {
  /** Which output the judge was shown first. */
  order: "current-first" | "baseline-first";
  preferred: PairwiseSide | "tie";
  reasoning: string;
}

/**
 * A judge compared both outputs for a rubric, in both orders. The winner is the side preferred in
 * both; a tie in either, or a disagreement between the orders (position bias), is a tie.
 */
export interface PairwiseComparison {
  rubric: string;
  winner: PairwiseSide | "tie";
  /** Two votes; none when both outputs are the same text (a tie without asking). */
  votes: PairwiseVote[];
  /** Whether both orders gave the same answer. */
  consistent: boolean;
}

/** The comparison could not be made (no judge, a failed call, an unreadable reply): why. */
export interface PairwiseFailure {
  rubric: string;
  error: string;
}

export type PairwiseOutcome = PairwiseComparison | PairwiseFailure;

export interface CaseDelta {
  /** null when either side has no assertion score. */
  score: number | null;
  tokens: TokenCounts;
  /** Difference of the two calls' list prices (cached or not); null when unpriced. */
  costUsd: number | null;
  latencyMs: number;
}

export type BaselineVerdictName = "improved" | "regressed" | "unchanged";

/** One prompt × provider against its baseline. */
export interface BaselineVerdict {
  prompt: string;
  provider: string;
  /** The baseline version it was compared with. */
  version: number;
  /** regressed: a case regressed; improved: a case improved and none regressed; else unchanged. */
  verdict: BaselineVerdictName;
  cases: number;
  /** Cases where both sides got a reply: the deltas below are over these. */
  compared: number;
  regressed: number;
  improved: number;
  /** Current pass rate minus the baseline's, over all its cases: -1 to 1. */
  passDelta: number;
  /** Mean of the cases' score deltas; null when no case has one. */
  scoreDelta: number | null;
  /** Sums over the compared cases. */
  tokensDelta: TokenCounts;
  costDelta: number | null;
  /** Mean over the compared cases, in ms. */
  latencyDelta: number;
}

/** A selected prompt that has no such baseline version: it is compared against nothing. */
export interface MissingBaseline {
  prompt: string;
  /** e.g. "support is not active in production". */
  reason: string;
}

export interface BaselineReport {
  /** As given to --baseline: "env:production" or "v3". */
  ref: string;
  verdicts: BaselineVerdict[];
  missing: MissingBaseline[];
  /** What the baseline's own calls used (cached and reused replies count 0). */
  tokens: TokenCounts;
  costUsd: number | null;
}
