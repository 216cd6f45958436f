import { distance } from "fastest-levenshtein";

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const lowered = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(lowered, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(input.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Up to `limit` candidates ordered by closeness, for "did you mean one of …" lists. */
export function closeMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const lowered = input.toLowerCase();
  const scored = [...candidates]
    .map((candidate) => {
      const c = candidate.toLowerCase();
      // "refund" finds "billing/refund": a shorter input contained in a candidate is a strong match.
      const d = lowered.length >= 3 && c.includes(lowered) ? 0 : distance(lowered, c);
      return { candidate, d };
    })
    .filter(({ candidate, d }) => d <= Math.max(2, Math.floor(candidate.length / 4)))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, limit).map((s) => s.candidate);
}
