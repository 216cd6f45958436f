import type { SourceLocation } from "./errors.js";

export type Severity = "error" | "warning";

/** One problem found in a user's files; validate collects them all instead of stopping at the first. */
export interface Diagnostic extends SourceLocation {
  severity: Severity;
  /** Stable, machine-readable: scripts may match on it. */
  code: string;
  message: string;
  hint?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Files in path order, then by position, so output is stable between runs. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}
