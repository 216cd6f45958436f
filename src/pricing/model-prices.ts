// Pure data and arithmetic, with no imports: the runtime library (observe's costUsd per call)
// uses it as well as the CLI, and the runtime must not load providers/.

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

// List prices as of 2026, standard tier, no batch or cache discounts, short-context rates.
// Only models whose price we are sure of: an unknown model costs null, never a guessed number.
const OPENAI: Readonly<Record<string, ModelPrice>> = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-2024-05-13": { input: 5, output: 15 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  o3: { input: 2, output: 8 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
};

const ANTHROPIC: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4": { input: 15, output: 75 },
  "claude-opus-4-0": { input: 15, output: 75 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "claude-opus-4-5": { input: 5, output: 25 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-sonnet-4-0": { input: 3, output: 15 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
};

const BUILT_IN: Readonly<Record<string, Readonly<Record<string, ModelPrice>>>> = {
  openai: OPENAI,
  anthropic: ANTHROPIC,
};

const FREE: ModelPrice = Object.freeze({ input: 0, output: 0 });

export type PriceOverrides = Readonly<Record<string, ModelPrice>>;

/** A provider as pricing sees it: "kind:model" (or "echo"), or the parts. */
export type PricedProvider = string | { kind: string; model: string };

/**
 * The price of a model: config `pricing` first (keyed "kind:model"), then the built-in table for
 * openai and anthropic, matching dated snapshots and aliases ("gpt-4o-2024-08-06",
 * "claude-3-5-haiku-latest") to their family. openai-compatible and exec are only priced by the
 * user: the same model name behind another endpoint need not cost the same. echo answers offline
 * and is free ($0, not an unknown cost) unless the config prices it.
 */
export function priceOf(provider: PricedProvider, overrides: PriceOverrides = {}): ModelPrice | undefined {
  const { kind, model } = typeof provider === "string" ? splitRef(provider) : provider;
  const keys = kind === "echo" ? ["echo", `echo:${model}`] : [`${kind}:${model}`];
  for (const key of keys) {
    const price = Object.hasOwn(overrides, key) ? overrides[key] : undefined;
    if (price) return price;
  }
  if (kind === "echo") return FREE;
  const table = Object.hasOwn(BUILT_IN, kind) ? BUILT_IN[kind] : undefined;
  if (!table) return undefined;
  const exact = Object.hasOwn(table, model) ? table[model] : undefined;
  if (exact) return exact;
  const family = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, "");
  return Object.hasOwn(table, family) ? table[family] : undefined;
}

/** USD for these tokens, or null when the price is unknown (a report must not show a made-up 0). */
export function costUsd(
  provider: PricedProvider,
  tokens: { input: number; output: number },
  overrides: PriceOverrides = {},
): number | null {
  const price = priceOf(provider, overrides);
  if (!price) return null;
  return roundUsd((tokens.input * price.input + tokens.output * price.output) / 1_000_000);
}

/**
 * Dollars to 1e-10 (a hundred-millionth of a cent): far below any price, and enough to keep binary
 * floating-point noise (0.036 summed as 0.0360000000000006) out of reports.
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/** A running total of costs: unknown (null) as soon as one cost is unknown. */
export function addUsd(total: number | null, cost: number | null): number | null {
  return total === null || cost === null ? null : roundUsd(total + cost);
}

function splitRef(ref: string): { kind: string; model: string } {
  const colon = ref.indexOf(":");
  return colon < 0 ? { kind: ref, model: ref } : { kind: ref.slice(0, colon), model: ref.slice(colon + 1) };
}
