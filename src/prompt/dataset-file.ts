import { dirname, isAbsolute, resolve } from "node:path";
import { isInside, readProjectFile, realRoot, UnreadableFileError } from "../fs/project-file.js";
import type { DatasetEntry } from "./prompt-file.js";

export type DatasetFormat = "jsonl" | "csv";

/** A dataset entry's file, read; or why it is not, said about the entry in the prompt file. */
export type DatasetFile =
  | { ok: true; file: string; format: DatasetFormat; text: string }
  | { ok: false; code: string; message: string; hint: string };

const READ_HINTS = {
  outside: "datasets live inside promptsDir, next to their prompt: copy the file in instead of linking to it",
  "not-regular": "a dataset is a plain .jsonl or .csv file",
  "too-large": "split the dataset into several files, each its own `- file:` entry",
  missing: "the path is relative to the prompt file",
} as const;

/**
 * Reads a dataset named by a prompt file. A dataset comes with the pull request that adds it, like
 * the prompt: its path stays inside promptsDir (no `..`, no absolute path, no link out of it), and
 * it is read as partials are (regular file, size-capped, checked through the open descriptor).
 */
export function readDatasetFile(promptFile: string, promptsDir: string, entry: DatasetEntry): DatasetFile {
  // promptfoo writes `file://cases.csv`; here a path is a path.
  if (/^file:/i.test(entry.file))
    return {
      ok: false,
      code: "dataset-format",
      message: `dataset "${entry.file}" is a URL, not a path`,
      hint: `write the path relative to the prompt file: file: ${entry.file.replace(/^file:(\/\/)?/i, "")}`,
    };
  const format = /\.jsonl$/i.test(entry.file) ? "jsonl" : /\.csv$/i.test(entry.file) ? "csv" : undefined;
  if (!format)
    return {
      ok: false,
      code: "dataset-format",
      message: `dataset "${entry.file}" is neither .jsonl nor .csv`,
      hint: 'JSONL: one {"vars": {…}} per line; CSV: a header row of variable names, one case per row',
    };
  const file = resolve(dirname(promptFile), entry.file);
  if (isAbsolute(entry.file) || !isInside(file, promptsDir))
    return {
      ok: false,
      code: "dataset-outside",
      message: `dataset "${entry.file}" is outside promptsDir: not read`,
      hint: "a dataset's path is relative to the prompt file and stays inside promptsDir",
    };
  try {
    return { ok: true, file, format, text: readProjectFile(file, realRoot(promptsDir), "promptsDir") };
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    const message =
      error.reason === "missing"
        ? "does not exist"
        : error.message.replace(/prompt file or partial/, "dataset");
    return {
      ok: false,
      code: "dataset-unreadable",
      message: `dataset "${entry.file}" ${message}`,
      hint: READ_HINTS[error.reason],
    };
  }
}
