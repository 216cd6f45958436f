import type { CaseResult } from "../regression/results.js";
import { promptLabel } from "./format-results.js";

/**
 * Which providers each prompt ran on, one line per distinct set ("greeting, refund ran on
 * openai:gpt-4o, openai:gpt-4o-mini"): a prompt's own model joins the config's matrix, so the
 * run says what it actually called.
 */
export function formatMatrixLines(results: readonly CaseResult[]): string[] {
  const byPrompt = new Map<string, string[]>();
  for (const result of results) {
    const label = promptLabel(result);
    const providers = byPrompt.get(label) ?? [];
    if (!providers.includes(result.provider)) providers.push(result.provider);
    byPrompt.set(label, providers);
  }
  const bySet = new Map<string, string[]>();
  for (const [label, providers] of byPrompt) {
    const key = providers.join(", ");
    bySet.set(key, [...(bySet.get(key) ?? []), label]);
  }
  return [...bySet].map(([providers, labels]) => `${labels.join(", ")} ran on ${providers}`);
}
