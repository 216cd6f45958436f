import { datasetRowValidator } from "../schemas/generated/dataset-row-validator.js";
import { schemaDiagnostics } from "../schemas/schema-diagnostics.js";
import { truncate } from "../text/truncate.js";
import {
  datasetDiagnostic,
  jsonLineSource,
  MAX_DATASET_ROWS,
  type ParsedDataset,
  type RawRow,
} from "./dataset-source.js";
import type { DatasetRow } from "./prompt-file.js";

/** Keys people write in a row, and where they belong (for "did you mean"). */
const ROW_KEY_PATHS = {
  input: "vars",
  inputs: "vars",
  variables: "vars",
  asserts: "assert",
  assertions: "assert",
  expected: "assert",
  test: "name",
  title: "name",
} as const;

/**
 * A JSONL dataset: one `{"vars": {…}, "name"?: "…", "assert"?: […]}` per line. Blank lines are
 * skipped (a trailing newline, spacing between groups); every other line is one case.
 */
export function parseJsonl(file: string, text: string): ParsedDataset {
  const rows: RawRow[] = [];
  const diagnostics: ParsedDataset["diagnostics"] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const validate = datasetRowValidator();
  for (let index = 0; index < lines.length; index++) {
    const lineText = lines[index]!;
    if (lineText.trim() === "") continue;
    const line = index + 1;
    if (rows.length >= MAX_DATASET_ROWS) {
      diagnostics.push(tooManyRows(file, line));
      break;
    }
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      diagnostics.push(notJson(file, line, lineText, error as Error));
      continue;
    }
    const source = jsonLineSource(file, line, lineText, value);
    if (!validate(value)) {
      diagnostics.push(...schemaDiagnostics(source, validate.errors, "dataset-row", ROW_KEY_PATHS));
      continue;
    }
    rows.push({ line, row: value as DatasetRow, source });
  }
  return { rows, diagnostics };
}

export function tooManyRows(file: string, line: number) {
  return datasetDiagnostic(
    file,
    line,
    1,
    "dataset-too-large",
    `more than ${MAX_DATASET_ROWS.toLocaleString("en")} rows: the rest of the file is not read`,
    "split the dataset into several files, each its own `- file:` entry",
  );
}

/** Node says where JSON.parse stopped ("at position 12", "line 1 column 13"): point there. */
function notJson(file: string, line: number, lineText: string, error: Error) {
  const position = /position (\d+)/.exec(error.message);
  const column = /column (\d+)/.exec(error.message);
  const col = position ? Number(position[1]) + 1 : column ? Number(column[1]) : 1;
  // Node quotes the input in some messages: a row's text is the user's data, quoted only short.
  const reason = error.message
    .replace(/, "[\s\S]*" is not valid JSON$/, "")
    .replace(/ in JSON at position \d+.*$/, "");
  return datasetDiagnostic(
    file,
    line,
    Math.min(col, lineText.length + 1),
    "dataset-row-json",
    `not a JSON object: ${truncate(reason, 80)}`,
    'each line of a .jsonl dataset is one JSON object: {"vars": {…}, "name"?: "…", "assert"?: […]}',
  );
}
