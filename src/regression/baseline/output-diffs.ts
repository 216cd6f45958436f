import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { type CaseResult, versionLabel } from "../results.js";
import { pairKey } from "./plan-baseline.js";

/** How a side of a diff is named: `support-agent@v3`, `support-agent@draft`. */
export const diffLabel = (prompt: string, version: CaseResult["version"]) =>
  `${prompt}@${versionLabel(version)}`;

/**
 * Diffs of outputs against their baseline twins', each pair of texts worked out once. During a run,
 * `pairUp` works out a pair's diff as soon as both replies are in, while the event loop waits on
 * requests still out; the comparison after the last reply then finds it done (200 diffs took ~25 ms
 * of the wait for the report on bench/baseline-throughput.mjs).
 */
export class OutputDiffs {
  private readonly done = new Map<string, string>();
  private readonly waiting = {
    current: new Map<string, CaseResult[]>(),
    baseline: new Map<string, CaseResult[]>(),
  };

  /** How many diffs are worked out. */
  get size(): number {
    return this.done.size;
  }

  /** The unified diff from the baseline's output to the current one ("" when they are the same). */
  diff(then: { label: string; output: string }, now: { label: string; output: string }): string {
    if (then.output === now.output) return "";
    const key = JSON.stringify([then.label, now.label, then.output, now.output]);
    let diff = this.done.get(key);
    if (diff === undefined) {
      diff = createTwoFilesPatch(
        then.label,
        now.label,
        withFinalNewline(then.output),
        withFinalNewline(now.output),
        undefined,
        undefined,
        { context: 3, headerOptions: FILE_HEADERS_ONLY },
      );
      this.done.set(key, diff);
    }
    return diff;
  }

  /** A reply of either side: with the other side's reply to the same test, its diff is worked out soon. */
  pairUp(side: "current" | "baseline", result: CaseResult): void {
    if (result.status === "error") return;
    const key = pairKey(result);
    const other = this.waiting[side === "current" ? "baseline" : "current"].get(key);
    const twin = other?.shift();
    if (!twin) {
      const mine = this.waiting[side];
      mine.set(key, [...(mine.get(key) ?? []), result]);
      return;
    }
    const [then, now] = side === "current" ? [twin, result] : [result, twin];
    setImmediate(() =>
      this.diff(
        { label: diffLabel(then.prompt, then.version), output: then.output },
        { label: diffLabel(now.prompt, now.version), output: now.output },
      ),
    );
  }
}

// A diff of two texts where one lacks a final newline says "\ No newline at end of file": noise
// when comparing model replies.
const withFinalNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);
