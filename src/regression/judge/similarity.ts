/** Cosine of two vectors; 0 when either is all zeros (nothing in common, rather than NaN). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The fallback when no embeddings provider is configured: cosine over counts of words and word
 * pairs, after lowercasing and dropping punctuation. Pairs make word order count a little, so
 * "refund denied, not approved" and "refund approved, not denied" are not identical. It measures
 * shared wording, not meaning: a paraphrase scores low.
 */
export function lexicalSimilarity(a: string, b: string): number {
  const countsA = ngramCounts(a);
  const countsB = ngramCounts(b);
  if (countsA.size === 0 && countsB.size === 0) return 1;
  let dot = 0;
  for (const [gram, n] of countsA) dot += n * (countsB.get(gram) ?? 0);
  const squares = (counts: Map<string, number>) => [...counts.values()].reduce((s, n) => s + n * n, 0);
  // One square root of an integer product: identical texts score exactly 1, not 0.9999999999999999.
  const denominator = Math.sqrt(squares(countsA) * squares(countsB));
  return denominator === 0 ? 0 : dot / denominator;
}

function ngramCounts(text: string): Map<string, number> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const counts = new Map<string, number>();
  const add = (gram: string) => counts.set(gram, (counts.get(gram) ?? 0) + 1);
  words.forEach((word, i) => {
    add(word);
    if (i > 0) add(`${words[i - 1]} ${word}`);
  });
  return counts;
}
