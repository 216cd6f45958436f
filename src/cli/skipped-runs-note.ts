import type { SkippedRun } from "../observe/test-runs.js";

/** The warning `stats` and `drift` print for run records they did not use; undefined when none. */
export function skippedRunsNote(skipped: readonly SkippedRun[]): string | undefined {
  const tracked = skipped.filter((s) => s.reason === "tracked").length;
  const other = skipped.length - tracked;
  const parts = [
    tracked > 0 ? `${tracked} that git tracks (local state never comes from the repository)` : "",
    other > 0 ? `${other} that are not run records` : "",
  ].filter(Boolean);
  return parts.length === 0 ? undefined : `warning: ignored file(s) in .promptops/runs/: ${parts.join(", ")}`;
}
