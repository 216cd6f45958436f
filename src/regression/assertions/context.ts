import type { TokenCounts, ToolCallResult } from "../results.js";

/** What an assertion can look at: the reply, the test's inputs and the call's measurements. */
export interface AssertionContext {
  /** The model's reply text. */
  output: string;
  /** The tool calls of the reply, in order; none when absent. */
  toolCalls?: readonly ToolCallResult[];
  /** The test's variables, after defaults. Expected values are rendered against these. */
  vars: Record<string, unknown>;
  tokens: TokenCounts;
  latencyMs: number;
  /** null when the model's price is unknown. */
  costUsd: number | null;
  /** Why the model stopped, as the provider said it (`finish_reason`, `stop_reason`); none from some providers. */
  finishReason?: string;
  /** Absolute folder of the prompt file: `javascript: ./checks/x.mjs` resolves from here. */
  promptDir: string;
}

/** A handler's verdict; `evaluateAssertion` adds the type, and a score of 1 or 0 when none is given. */
export interface AssertionOutcome {
  pass: boolean;
  /** 0..1. */
  score?: number;
  message: string;
}

/**
 * Checks one assertion. `value` is the assertion's expected value with its templates already
 * rendered. Built-in handlers never throw for user data; an error thrown by a handed-in
 * handler (a judge provider that is down) propagates, so the runner can report an `error`.
 */
export type AssertionHandler = (
  value: unknown,
  context: AssertionContext,
) => AssertionOutcome | Promise<AssertionOutcome>;
