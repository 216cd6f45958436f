import { addUsd } from "../providers/pricing.js";
import type { CaseResult, RunSummary } from "./results.js";

export function summarise(results: readonly CaseResult[], durationMs: number): RunSummary {
  let costUsd: number | null = 0;
  const tokens = { input: 0, output: 0 };
  for (const r of results) {
    tokens.input += r.tokens.input;
    tokens.output += r.tokens.output;
    // Errored cases spent nothing we know of (a repeated one may: see repeats.ts); an unpriced reply
    // makes the total unknown.
    if (r.status !== "error" || r.costUsd !== null) costUsd = addUsd(costUsd, r.costUsd);
  }
  return {
    total: results.length,
    passed: results.filter((r) => r.status === "pass").length,
    failed: results.filter((r) => r.status === "fail").length,
    errors: results.filter((r) => r.status === "error").length,
    durationMs,
    tokens,
    costUsd,
  };
}
