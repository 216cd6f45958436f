import type { RepeatSummary } from "../regression/results.js";

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const score = (n: number) => n.toFixed(2);

/** `2/3 passed (67%, needs 60%)` */
export function formatPassRate(repeats: RepeatSummary): string {
  return `${repeats.passed}/${repeats.runs} passed (${percent(repeats.passRate)}, needs ${percent(repeats.required)})`;
}

/** `scores 0.33–1.00, mean 0.78 ± 0.31`; a single figure when every sample scored the same. */
export function formatScoreSpread(repeats: RepeatSummary): string {
  const { min, max, mean, stdev } = repeats.scores;
  if (min === max) return `score ${score(min)} every run`;
  return `scores ${score(min)}–${score(max)}, mean ${score(mean)} ± ${score(stdev)}`;
}

/** `2/3 passed (67%, needs 60%) · scores 0.33–1.00, mean 0.78 ± 0.31` */
export function formatRepeats(repeats: RepeatSummary): string {
  return `${formatPassRate(repeats)} · ${formatScoreSpread(repeats)}`;
}
