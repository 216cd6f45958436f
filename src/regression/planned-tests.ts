import type { PromptTest } from "../prompt/prompt-file.js";
import { isDatasetEntry } from "../prompt/prompt-file.js";
import type { CheckedPrompt } from "../prompt/prompt-project.js";

export interface PlannedTest {
  test: PromptTest;
  /** A dataset row's variables, checked against the draft's schemas (defaults filled in). */
  values?: Record<string, unknown>;
  /** Where it is written: the prompt file, or the dataset file (absolute). */
  file: string;
  line: number;
}

/** A prompt's tests in file order, each dataset's rows in its place, with where each is written. */
export function* plannedTests(prompt: CheckedPrompt): Generator<PlannedTest> {
  const entries = prompt.prompt?.tests ?? [];
  for (const [index, entry] of entries.entries()) {
    if (isDatasetEntry(entry)) yield* prompt.datasets?.tests.get(index) ?? [];
    else yield { test: entry, file: prompt.file, line: prompt.source.locate(["tests", index, "name"]).line };
  }
}
