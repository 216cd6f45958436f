import type { parse } from "csv-parse/sync";
import type { Diagnostic } from "../diagnostics.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import { truncate } from "../text/truncate.js";
import type { PathSegment } from "../yaml/yaml-source.js";
import { csvCellReader } from "./dataset-csv-cells.js";
import { tooManyRows } from "./dataset-jsonl.js";
import {
  csvRowSource,
  datasetDiagnostic,
  MAX_DATASET_ROWS,
  type ParsedDataset,
  type RawRow,
} from "./dataset-source.js";
import type { DatasetRow, VariableSchema } from "./prompt-file.js";

/** csv-parse's synchronous parser, loaded only when a run or validate meets a CSV dataset. */
export type CsvParse = typeof parse;

/** Columns that are not variables: a row's name and description (promptfoo spells them `__…`). */
const SPECIAL_COLUMNS = { __name: "name", __description: "description" } as const;

const ASSERTION_COLUMN_HINT =
  'promptops does not read assertions from CSV columns: put the checks shared by every row in the entry\'s `assert:`, and per-row checks in a JSONL dataset (`"assert": […]` on its line)';

/** Column names a promptfoo user may bring, and what promptops does instead. */
const COLUMN_HINTS: Readonly<Record<string, string>> = {
  assert: ASSERTION_COLUMN_HINT,
  expected: ASSERTION_COLUMN_HINT,
  name: "a row's name goes in a `__name` column",
  description: "a row's description goes in a `__description` column",
  vars: "each variable is its own column, named like the variable",
};

/**
 * A CSV dataset: a header row of variable names (and `__name`, `__description`), one case per row.
 * Quoted fields, embedded commas and newlines, a BOM and CRLF line ends are csv-parse's to read.
 * Cells are text; a variable whose schema wants a number, boolean, object or array gets the cell
 * read as one (dataset-csv-cells.ts).
 */
export function parseCsv(
  file: string,
  text: string,
  declared: Readonly<Record<string, VariableSchema>>,
  parseCsvText: CsvParse,
): ParsedDataset {
  // Offsets are csv-parse's byte counts: lines are found in the same bytes.
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ""), "utf8");
  const lines = new LineIndex(bytes);
  let records: Array<{ record: string[]; info: { bytes: number } }>;
  try {
    records = parseCsvText(bytes, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const at = error as Error & { lines?: number; code?: string };
    const message = truncate(at.message.replace(/^[\w ]+: /, ""), 120);
    // csv-parse names the line where it gave up, the end of the file: point at the quote instead.
    const open = at.code === "CSV_QUOTE_NOT_CLOSED" ? unclosedQuote(bytes) : undefined;
    if (open !== undefined) {
      const { line, col } = lines.position(open);
      const diagnostic = datasetDiagnostic(
        file,
        line,
        col,
        "dataset-csv",
        "this quoted field is never closed",
        QUOTE_HINT,
      );
      return { rows: [], diagnostics: [diagnostic] };
    }
    return {
      rows: [],
      diagnostics: [
        datasetDiagnostic(file, at.lines ?? 1, 1, "dataset-csv", `not valid CSV: ${message}`, QUOTE_HINT),
      ],
    };
  }
  const header = records[0];
  if (!header) return { rows: [], diagnostics: [] };
  const headerLine = lines.lineAt(lines.skipBlank(0));
  const columns = header.record.map((name) => name.trim());
  const diagnostics = checkHeader(file, headerLine, columns, declared);
  if (diagnostics.length > 0) return { rows: [], diagnostics };

  const readers = columns.map((column) =>
    Object.hasOwn(declared, column) ? csvCellReader(declared[column]!) : String,
  );
  const rows: RawRow[] = [];
  let end = header.info.bytes;
  for (const { record, info } of records.slice(1)) {
    const start = lines.skipBlank(end);
    end = info.bytes;
    const line = lines.lineAt(start);
    if (rows.length >= MAX_DATASET_ROWS) {
      diagnostics.push(tooManyRows(file, line));
      break;
    }
    if (record.length !== columns.length) {
      diagnostics.push(
        datasetDiagnostic(
          file,
          line,
          1,
          "dataset-csv-columns",
          `this row has ${record.length} field${record.length === 1 ? "" : "s"}, the header has ${columns.length}`,
          "quote a field that holds a comma; an empty value is an empty field (two commas)",
        ),
      );
      continue;
    }
    const row: DatasetRow = { vars: {} };
    columns.forEach((column, i) => {
      const cell = record[i]!;
      if (column === "__name") {
        if (cell !== "") row.name = cell;
      } else if (column === "__description") {
        if (cell !== "") row.description = cell;
      } else {
        const value = readers[i]!(cell);
        if (value === undefined) return;
        // Defined, not assigned: a variable named `__proto__` must stay a variable.
        if (column === "__proto__")
          Object.defineProperty(row.vars, column, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else row.vars[column] = value;
      }
    });
    const recordEnd = end;
    const fieldCol = (path: readonly PathSegment[]) => {
      const column =
        path[0] === "vars" ? columns.indexOf(String(path[1])) : columns.indexOf(`__${String(path[0])}`);
      // Only a row with a problem is located: its text is decoded then, not for every row.
      return column < 0 ? 1 : fieldColumn(bytes.subarray(start, recordEnd).toString("utf8"), column);
    };
    rows.push({ line, row, source: csvRowSource(file, line, row, fieldCol) });
  }
  return { rows, diagnostics };
}

/** Every column names a variable or a special column, once; every variable without a default has one. */
function checkHeader(
  file: string,
  line: number,
  columns: readonly string[],
  declared: Readonly<Record<string, VariableSchema>>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const problem = (code: string, message: string, hint?: string) =>
    diagnostics.push(datasetDiagnostic(file, line, 1, code, message, hint));
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) problem("dataset-csv-header", `column "${column}" appears twice in the header`);
    seen.add(column);
    if (Object.hasOwn(SPECIAL_COLUMNS, column) || Object.hasOwn(declared, column)) continue;
    if (column.startsWith("__")) {
      const assertion = /^__(expected\d*|assert|metric|threshold)$/.test(column);
      problem(
        "dataset-csv-column",
        `unknown special column "${column}"`,
        assertion
          ? ASSERTION_COLUMN_HINT
          : `special columns are ${Object.keys(SPECIAL_COLUMNS).join(" and ")}; every other column is a variable`,
      );
      continue;
    }
    const near = closestMatch(column, Object.keys(declared));
    problem(
      "dataset-csv-column",
      `column "${column}" is not a variable of this prompt${near ? ` (did you mean "${near}"?)` : ""}`,
      COLUMN_HINTS[column.toLowerCase()] ??
        `the prompt declares ${Object.keys(declared).join(", ") || "no variables"}: each column is one of them`,
    );
  }
  for (const [name, schema] of Object.entries(declared)) {
    if (!seen.has(name) && !("default" in schema))
      problem(
        "dataset-csv-missing",
        `no column for variable "${name}", which has no default`,
        `add a "${name}" column`,
      );
  }
  return diagnostics;
}

/** The 1-based column where field `index` of a record starts, counting from the record's start. */
function fieldColumn(raw: string, index: number): number {
  let field = 0;
  let quoted = false;
  let col = 1;
  for (let i = 0; i < raw.length && field < index; i++) {
    const char = raw[i]!;
    col += 1;
    if (char === '"') quoted = !quoted;
    else if (char === "," && !quoted) field += 1;
    else if ((char === "\n" || char === "\r") && quoted) return 1;
  }
  return col;
}

const QUOTE_HINT = "quote a field that holds commas, quotes or line breaks, and double the quotes inside it";

/** The offset of the quote that opens a field never closed (doubled quotes inside toggle twice). */
function unclosedQuote(bytes: Buffer): number | undefined {
  let open = -1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x22) open = open < 0 ? i : -1;
  return open < 0 ? undefined : open;
}

/** The byte offsets where lines start, to turn csv-parse's offsets into line numbers. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly bytes: Buffer) {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 0x0a) this.starts.push(i + 1);
      else if (byte === 0x0d && bytes[i + 1] !== 0x0a) this.starts.push(i + 1);
    }
  }

  /** The first offset at or after `offset` that is not a line break (skipped empty lines). */
  skipBlank(offset: number): number {
    let at = offset;
    while (at < this.bytes.length && (this.bytes[at] === 0x0a || this.bytes[at] === 0x0d)) at++;
    return at;
  }

  /** Line and column (in characters) of a byte offset. */
  position(offset: number): { line: number; col: number } {
    const line = this.lineAt(offset);
    const col = this.bytes.subarray(this.starts[line - 1], offset).toString("utf8").length + 1;
    return { line, col };
  }

  lineAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
