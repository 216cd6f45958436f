import type { Diagnostic } from "../diagnostics.js";
import type { PathSegment, YamlSource } from "../yaml/yaml-source.js";
import { parseYamlSource } from "../yaml/yaml-source.js";
import type { DatasetRow, PromptTest } from "./prompt-file.js";

/** One case read from a dataset, its shape checked, with where each of its values is. */
export interface RawRow {
  /** The 1-based line the row starts on. */
  line: number;
  row: DatasetRow;
  /** Locates the row's values (["vars", "question"], ["assert", 0, "contains"]) in the dataset file. */
  source: YamlSource;
}

export interface ParsedDataset {
  rows: RawRow[];
  diagnostics: Diagnostic[];
}

/** A dataset may hold at most this many rows: 16 MiB of tiny rows must not plan millions of cases. */
export const MAX_DATASET_ROWS = 100_000;

export function datasetDiagnostic(
  file: string,
  line: number,
  col: number,
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  return { file, line, col, severity: "error", code, message, ...(hint ? { hint } : {}) };
}

/**
 * Where a JSONL row's values are: the line is JSON, which YAML reads too, so positions come from the
 * YAML parser, shifted to the row's line. Parsed only when a problem is to be located: a clean row
 * of a 10,000-row file costs one JSON.parse.
 */
export function jsonLineSource(file: string, line: number, text: string, value: unknown): YamlSource {
  let parsed: YamlSource | undefined;
  const shifted = (find: (source: YamlSource) => { line: number; col: number }) => {
    parsed ??= parseYamlSource(file, text);
    if (parsed.diagnostics.length > 0) return { line, col: 1 };
    const at = find(parsed);
    return { line: line + at.line - 1, col: at.col };
  };
  return {
    file,
    text,
    value,
    diagnostics: [],
    locate: (path, target) => shifted((source) => source.locate(path, target)),
    locateInString: (path, line0, col0) => shifted((source) => source.locateInString(path, line0, col0)),
  };
}

/** Where a CSV row's values are: its line, and the column of the field a path starts in. */
export function csvRowSource(
  file: string,
  line: number,
  value: unknown,
  fieldCol: (path: readonly PathSegment[]) => number,
): YamlSource {
  const at = (path: readonly PathSegment[]) => ({ line, col: fieldCol(path) });
  return {
    file,
    text: "",
    value,
    diagnostics: [],
    locate: (path) => at(path),
    locateInString: (path) => at(path),
  };
}

/** A dataset row made a test: what the planner runs, and where to point at it. */
export interface DatasetTest {
  test: PromptTest;
  /** The dataset file, absolute. */
  file: string;
  line: number;
  /** The row's variables checked against their schemas, defaults filled in. */
  values: Record<string, unknown>;
}

/** A prompt's datasets, read and checked once (check-datasets.ts) for validate, the planner and --since. */
export interface PromptDatasets {
  /** By the index of the `- file:` entry in `tests:`. */
  tests: Map<number, DatasetTest[]>;
  /** Every dataset file the prompt names, absolute. */
  files: string[];
}
