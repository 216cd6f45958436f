import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, charCount, verdict } from "./messages.js";

function limit(type: string, value: unknown): number | AssertionOutcome {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    return badValue(type, "a number of 0 or more", value);
  return value;
}

function atMost(found: number, max: number, what: string, unit: (n: number) => string): AssertionOutcome {
  if (found <= max) return verdict(true, `${what} ${unit(found)} (max ${unit(max)})`);
  return verdict(false, `expected ${what} at most ${unit(max)}; found ${unit(found)}`);
}

/** Characters as a reader counts them (code points), not UTF-16 units or bytes. */
function maxLength(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const max = limit("max-length", value);
  if (typeof max !== "number") return max;
  return atMost(charCount(output), max, "output length", (n) => `${n} chars`);
}

function maxTokens(value: unknown, { tokens }: AssertionContext): AssertionOutcome {
  const max = limit("max-tokens", value);
  if (typeof max !== "number") return max;
  return atMost(tokens.output, max, "output tokens", (n) => `${n}`);
}

function maxLatencyMs(value: unknown, { latencyMs }: AssertionContext): AssertionOutcome {
  const max = limit("max-latency-ms", value);
  if (typeof max !== "number") return max;
  return atMost(latencyMs, max, "latency", (n) => `${Math.round(n)} ms`);
}

function maxCostUsd(value: unknown, { costUsd }: AssertionContext): AssertionOutcome {
  const max = limit("max-cost-usd", value);
  if (typeof max !== "number") return max;
  // An unknown price is never treated as free: a budget check that cannot be made does not pass.
  if (costUsd === null)
    return verdict(
      false,
      `cost unknown: the model's price is not known, so max-cost-usd ${usd(max)} cannot be checked`,
    );
  return atMost(costUsd, max, "cost", usd);
}

// Per-call costs are fractions of a cent: show enough digits to compare them with the budget.
function usd(n: number): string {
  return `$${Number(n.toPrecision(4))}`;
}

export const limitAssertions: Record<string, AssertionHandler> = {
  "max-length": maxLength,
  "max-tokens": maxTokens,
  "max-latency-ms": maxLatencyMs,
  "max-cost-usd": maxCostUsd,
};
