/**
 * Latency quantiles in bounded memory. Up to EXACT_LIMIT values a group keeps them all and answers
 * exactly; past that it keeps counts in logarithmic buckets (the DDSketch idea), and a quantile is
 * within 1% of the true value. Either way its size never grows with the number of calls beyond
 * EXACT_LIMIT numbers or about 230 buckets per factor of 10 in the latencies' range.
 */
const GAMMA = 1.02; // relative accuracy (GAMMA - 1) / (GAMMA + 1) ≈ 1%
const LOG_GAMMA = Math.log(GAMMA);
const EXACT_LIMIT = 2048;

export class LatencySketch {
  private exact: number[] | undefined = [];
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  count = 0;

  add(ms: number): void {
    this.count++;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    if (this.exact) {
      this.exact.push(ms);
      if (this.exact.length <= EXACT_LIMIT) return;
      const values = this.exact;
      this.exact = undefined;
      for (const value of values) this.bucket(value);
      return;
    }
    this.bucket(ms);
  }

  private bucket(ms: number): void {
    if (ms <= 0) {
      this.zeros++;
      return;
    }
    const index = Math.ceil(Math.log(ms) / LOG_GAMMA);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
  }

  /** The q-quantile (0..1) by the nearest-rank method, rounded to 0.1 ms; null with no values. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const round = (ms: number) => Math.round(ms * 10) / 10;
    if (this.exact) return round([...this.exact].sort((a, b) => a - b)[rank - 1]!);
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index) ?? 0;
      // The bucket's midpoint in relative terms: (γ^(i-1), γ^i] answers 2γ^i / (γ + 1).
      if (seen >= rank) {
        const estimate = (2 * GAMMA ** index) / (GAMMA + 1);
        return round(Math.min(this.max, Math.max(this.min, estimate)));
      }
    }
    return round(this.max);
  }
}
