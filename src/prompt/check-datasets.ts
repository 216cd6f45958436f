import type { ProjectConfig } from "../config/config.js";
import type { Diagnostic } from "../diagnostics.js";
import { checkAssertion, type TestCheckOptions, varsProblemDiagnostic } from "./check-tests.js";
import { type CsvParse, parseCsv } from "./dataset-csv.js";
import { readDatasetFile } from "./dataset-file.js";
import { parseJsonl } from "./dataset-jsonl.js";
import {
  type DatasetTest,
  datasetDiagnostic,
  type ParsedDataset,
  type PromptDatasets,
} from "./dataset-source.js";
import { diagnosticAt } from "./load-prompt.js";
import {
  type DatasetEntry,
  type DatasetRow,
  isDatasetEntry,
  type PromptFile,
  type PromptTest,
} from "./prompt-file.js";
import type { CheckedPrompt } from "./prompt-project.js";
import { checkVariables, variableSchemaProblem } from "./variables.js";

/** Problems listed per dataset file: a column of 10,000 bad values is a few lines and a count. */
const MAX_DIAGNOSTICS_PER_DATASET = 20;

/**
 * Reads and checks the datasets (`- file:` entries of `tests:`) of the given prompts: each row's
 * shape, variables and assertions, at the dataset's file and line. Problems join the prompt's
 * diagnostics (and make it invalid); the rows become tests on `prompt.datasets`. csv-parse is
 * loaded only when a CSV dataset is named.
 */
export async function checkDatasets(config: ProjectConfig, prompts: readonly CheckedPrompt[]): Promise<void> {
  const entries = prompts.flatMap((p) => (p.prompt ?? p.salvaged)?.tests ?? []).filter(isDatasetEntry);
  if (entries.length === 0) return;
  const csv = entries.some((entry) => /\.csv$/i.test(entry.file))
    ? (await import("csv-parse/sync")).parse
    : undefined;
  const options: TestCheckOptions = {
    allowJavascript: config.test.allowJavascript,
    hasJudge: config.judge !== undefined,
  };
  for (const prompt of prompts) {
    const file = prompt.prompt ?? prompt.salvaged;
    if (!file?.tests?.some(isDatasetEntry)) continue;
    const datasets = checkPromptDatasets(config, prompt, file, options, csv);
    prompt.datasets = datasets;
    if (prompt.diagnostics.some((d) => d.severity === "error")) prompt.result = undefined;
  }
}

function checkPromptDatasets(
  config: ProjectConfig,
  prompt: CheckedPrompt,
  file: PromptFile,
  options: TestCheckOptions,
  csv: CsvParse | undefined,
): PromptDatasets {
  const declared = file.variables ?? {};
  const schemasUsable = Object.values(declared).every(
    (schema) => variableSchemaProblem(schema) === undefined,
  );
  const tests = new Map<number, DatasetTest[]>();
  const files: string[] = [];
  // Names are unique across the prompt's tests: inline ones first, then rows in order.
  const names = new Set((file.tests ?? []).flatMap((t) => (isDatasetEntry(t) ? [] : [t.name])));
  (file.tests ?? []).forEach((entry, index) => {
    if (!isDatasetEntry(entry)) return;
    const read = readDatasetFile(prompt.file, config.promptsDir, entry);
    if (!read.ok) {
      prompt.diagnostics.push(
        diagnosticAt(prompt.source, ["tests", index, "file"], read.code, read.message, { hint: read.hint }),
      );
      return;
    }
    files.push(read.file);
    const parsed: ParsedDataset =
      read.format === "jsonl"
        ? parseJsonl(read.file, read.text)
        : parseCsv(read.file, read.text, declared, csv!);
    const problems = [...parsed.diagnostics];
    const rows: DatasetTest[] = [];
    for (const { line, row, source } of parsed.rows) {
      const name = row.name ?? `${entry.file}:${line}`;
      const before = problems.length;
      if (names.has(name)) {
        problems.push(
          row.name
            ? diagnosticAt(source, ["name"], "test-duplicate-name", `test name "${name}" is already used`, {
                hint: "test names identify results in reports: make them unique",
              })
            : datasetDiagnostic(
                read.file,
                line,
                1,
                "test-duplicate-name",
                `test name "${name}" is already used`,
                "the dataset is named twice in `tests:`: name its rows, or list it once",
              ),
        );
      }
      names.add(name);
      const checked = schemasUsable ? checkVariables(declared, row.vars) : { values: row.vars, problems: [] };
      for (const problem of checked.problems)
        problems.push(varsProblemDiagnostic(source, [], { name, vars: row.vars }, problem));
      (row.assert ?? []).forEach((assertion, j) => {
        problems.push(
          ...checkAssertion({ source, file: prompt.file }, ["assert", j], assertion, declared, options),
        );
      });
      if (problems.length > before) continue;
      rows.push({ test: rowTest(entry, row, name), file: read.file, line, values: checked.values });
    }
    if (problems.length === 0 && rows.length === 0) {
      problems.push(
        diagnosticAt(
          prompt.source,
          ["tests", index, "file"],
          "dataset-empty",
          `dataset "${entry.file}" has no rows`,
          {
            hint: "a dataset with no cases tests nothing: add rows, or remove the entry",
          },
        ),
      );
    }
    prompt.diagnostics.push(...capped(problems));
    tests.set(index, rows);
  });
  return { tests, files };
}

function rowTest(entry: DatasetEntry, row: DatasetRow, name: string): PromptTest {
  return {
    name,
    ...(row.description !== undefined ? { description: row.description } : {}),
    vars: row.vars,
    // The row's own checks first, then the entry's, as DESIGN.md says.
    assert: [...(row.assert ?? []), ...(entry.assert ?? [])],
    ...(entry["pass-rate"] !== undefined ? { "pass-rate": entry["pass-rate"] } : {}),
    ...(entry["allow-fail"] !== undefined ? { "allow-fail": entry["allow-fail"] } : {}),
  };
}

function capped(problems: Diagnostic[]): Diagnostic[] {
  if (problems.length <= MAX_DIAGNOSTICS_PER_DATASET) return problems;
  const first = problems[MAX_DIAGNOSTICS_PER_DATASET]!;
  const more = problems.length - MAX_DIAGNOSTICS_PER_DATASET;
  return [
    ...problems.slice(0, MAX_DIAGNOSTICS_PER_DATASET),
    {
      ...first,
      code: "dataset-more-problems",
      message: `and ${more} more problem${more === 1 ? "" : "s"} in this dataset`,
      hint: "fix the ones listed, then run `promptops validate` again",
    },
  ];
}
