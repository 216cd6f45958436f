import { relative } from "node:path";
import { PromptOpsError } from "../errors.js";
import type { EmptyRun } from "../regression/empty-run.js";

/**
 * The exit code of a run that selected no case. Nothing to test is a failure (a CI job in the wrong
 * folder, or a filter with a typo, must not pass green) unless --pass-with-no-tests; nothing changed
 * since --since's ref, or an empty shard of a small suite, is a success.
 */
export function emptyRunExitCode(empty: EmptyRun, passWithNoTests: boolean, cwd: string): number {
  if (empty.reason === "nothing-changed") {
    process.stderr.write(`no prompt changed since ${empty.since}: nothing to test\n`);
    return 0;
  }
  if (empty.reason === "empty-shard") {
    process.stderr.write(`note: shard ${empty.shard} holds none of the ${empty.cases} cases: nothing ran\n`);
    return 0;
  }
  const error =
    empty.reason === "no-prompt-files"
      ? noPromptFilesError(empty.promptsDir, cwd, "test")
      : new PromptOpsError(
          "nothing-to-test",
          "no test case matched the selection (ids, --filter): nothing ran",
          {
            hint: "check the prompt ids and --filter, and that the prompts have `tests:`; --pass-with-no-tests accepts an empty run",
          },
        );
  if (passWithNoTests) {
    process.stderr.write(`note: ${error.message} (--pass-with-no-tests)\n`);
    return 0;
  }
  throw error;
}

/** Shared by `test` and `validate`: run in the wrong folder, they must say so, not pass. */
export function noPromptFilesError(promptsDir: string, cwd: string, command: "test" | "validate") {
  const dir = relative(cwd, promptsDir) || ".";
  const accept = command === "test" ? "; --pass-with-no-tests accepts an empty run" : "";
  return new PromptOpsError("no-prompt-files", `no prompt files (*.prompt.yaml) under ${dir}`, {
    hint: `run promptops in your project's folder (or pass --cwd), or set promptsDir in promptops.config.yaml; \`promptops init\` scaffolds a project${accept}`,
  });
}
