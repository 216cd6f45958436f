import type { Provider } from "../../providers/provider.js";
import type { ProviderCaller } from "../provider-caller.js";
import type { JudgePrompt } from "./judge-prompt.js";

/** What a grader handler needs from its run: the run's caller, its grader providers, and usage. */
export interface GraderScope {
  /** The run's one caller: graders share its concurrency limit, retries, timeout and cache. */
  caller: ProviderCaller;
  /** The judge for an assertion's `provider:` (or config `judge`); undefined when none is set. */
  judgeProvider(ref: string | undefined): Provider | undefined;
  /** The embeddings provider for an assertion's `provider:` (or config `embeddings`). */
  embeddingsProvider(ref: string | undefined): Provider | undefined;
  /** Loaded whenever the run has a judge. */
  judgePrompt: JudgePrompt | undefined;
  /** Counts a grader reply in the case's and the run's judge usage. */
  record(provider: Provider, reply: { tokens: { input: number; output: number }; cached: boolean }): void;
}

/** A grader's provider call failed: the case becomes an `error` with what happened and how often. */
export function graderError(what: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  const tries = typeof attempts === "number" && attempts > 1 ? ` (after ${attempts} attempts)` : "";
  return new Error(`${what}: ${message}${tries}`, { cause: error });
}

/** A threshold as written, or the default; anything else is reported, not guessed. */
export function readThreshold(value: unknown, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (typeof value === "number" && value >= 0 && value <= 1) return value;
  return `threshold must be a number from 0 to 1, found ${JSON.stringify(value)}`;
}

/** A score for a message: two decimals, or more when two would blur which side of the threshold it is. */
export function formatScore(score: number, threshold: number): string {
  for (const digits of [2, 4, 6]) {
    const shown = Number(score.toFixed(digits));
    if (score >= threshold === shown >= threshold) return String(shown);
  }
  return String(score);
}
