import { describe, expect, it } from "vitest";
import { LatencySketch } from "../../src/observe/latency-sketch.js";

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe("latency quantiles", () => {
  it("are exact for a few calls", () => {
    const sketch = new LatencySketch();
    for (const ms of [800, 120, 450, 3000, 95]) sketch.add(ms);
    expect(sketch.quantile(0.5)).toBe(450);
    expect(sketch.quantile(0.95)).toBe(3000);
  });

  it("stay within 1% of the true value over many calls spread from 5 ms to 60 s", () => {
    const sketch = new LatencySketch();
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 50_000; i++) {
      seed = (seed * 48271) % 2147483647;
      const ms = 5 * 12_000 ** (seed / 2147483647); // log-uniform: every order of magnitude
      values.push(ms);
      sketch.add(ms);
    }
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = nearestRank(values, q);
      expect(Math.abs((sketch.quantile(q) as number) - truth) / truth).toBeLessThan(0.011);
    }
  });

  it("say nothing when there were no calls", () => {
    expect(new LatencySketch().quantile(0.5)).toBeNull();
  });
});
