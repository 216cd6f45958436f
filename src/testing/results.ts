/** The stable result shape of `promptops test` (DESIGN.md section 5; schemas/results.schema.json). */

export type CaseStatus = "pass" | "fail" | "error";

export interface TokenCounts {
  input: number;
  output: number;
}

export interface AssertionResult {
  /** The assertion's key, e.g. "contains". */
  type: string;
  pass: boolean;
  /** 0..1; 1 or 0 for exact checks, graded for judges and similarity. */
  score: number;
  /** Says what was expected and what was found. */
  message: string;
}

export interface CaseResult {
  prompt: string;
  /** "draft" or the version number. */
  version: "draft" | number;
  hash: string;
  /** e.g. "openai:gpt-4o-mini". */
  provider: string;
  test: string;
  status: CaseStatus;
  output: string;
  latencyMs: number;
  cached: boolean;
  tokens: TokenCounts;
  /** null when the price of the model is unknown (never a made-up 0). */
  costUsd: number | null;
  assertions: AssertionResult[];
  /** For status "error": what went wrong (status, provider's text, attempts made). */
  error?: string;
  /** Where the test is written, for annotations: file relative to the project root, 1-based line. */
  location?: { file: string; line: number };
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  durationMs: number;
  tokens: TokenCounts;
  costUsd: number | null;
}

export interface RunResults {
  summary: RunSummary;
  results: CaseResult[];
}
