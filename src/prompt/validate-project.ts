import { existsSync, statSync } from "node:fs";
import { basename, resolve, sep } from "node:path";
import { loadConfig } from "../config/load-config.js";
import { inspectLocalState } from "../config/local-state.js";
import { type Diagnostic, sortDiagnostics } from "../diagnostics.js";
import { PromptOpsError } from "../errors.js";
import { readProjectFile, realRoot, UnreadableFileError } from "../fs/project-file.js";
import { checkDatasets } from "./check-datasets.js";
import { discoverPartialNames, discoverPromptFiles, type PromptFileRef } from "./discover.js";
import { loadJavascriptParser } from "./javascript-code.js";
import { PROMPT_FILE_SUFFIX } from "./prompt-id.js";
import { checkPrompts } from "./prompt-project.js";

export interface ValidateOptions {
  cwd: string;
  /** Files or folders to check; every prompt when empty. Relative to cwd. */
  paths?: readonly string[];
}

export interface ValidateReport {
  diagnostics: Diagnostic[];
  promptsChecked: number;
  /** The config's promptsDir (absolute): where no prompt file was found, when none was. */
  promptsDir: string;
  errors: number;
  warnings: number;
}

export async function validateProject(options: ValidateOptions): Promise<ValidateReport> {
  const { config, diagnostics } = loadConfig(options.cwd);
  const all = discoverPromptFiles(config.promptsDir);
  const selected = options.paths?.length
    ? selectByPaths(all, options.cwd, options.paths, config.promptsDir)
    : all;
  // Partials nobody includes yet still get their syntax checked on a full run.
  const extraPartials = options.paths?.length
    ? []
    : discoverPartialNames(config.promptsDir).filter((n) => n.endsWith(".njk"));
  // Checks written as blocks are read by the parser the runner uses: loaded only where they may run.
  if (config.test.allowJavascript) await loadJavascriptParser();
  const run = checkPrompts(config, selected, extraPartials);
  await checkDatasets(config, run.prompts);
  for (const prompt of run.prompts) diagnostics.push(...prompt.diagnostics);
  diagnostics.push(...run.partialDiagnostics);
  // A pull request that commits .promptops/ would steer what `test` checks: said where it shows.
  for (const { path, message, hint } of (await inspectLocalState(config)).problems)
    diagnostics.push({ severity: "warning", code: "tracked-local-state", file: path, message, hint });
  sortDiagnostics(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return {
    diagnostics,
    promptsChecked: selected.length,
    promptsDir: config.promptsDir,
    errors,
    warnings: diagnostics.length - errors,
  };
}

function selectByPaths(
  all: readonly PromptFileRef[],
  cwd: string,
  paths: readonly string[],
  promptsDir: string,
): PromptFileRef[] {
  const selected = new Map<string, PromptFileRef>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) {
      throw new PromptOpsError("path-not-found", `no such file or folder: ${path}`, { exitCode: 2 });
    }
    const isDir = statSync(absolute).isDirectory();
    let matches = all.filter((ref) => (isDir ? ref.file.startsWith(absolute + sep) : ref.file === absolute));
    // A dataset is checked with the prompts that name it (a pre-commit hook passes changed files).
    if (matches.length === 0 && !isDir && /\.(jsonl|csv)$/i.test(absolute))
      matches = promptsNaming(all, absolute, promptsDir);
    if (matches.length === 0) {
      throw new PromptOpsError(
        "path-not-prompt",
        `${path} is not a prompt file (or a folder holding one) under promptsDir`,
        {
          exitCode: 2,
          hint: `prompt files end in ${PROMPT_FILE_SUFFIX} and live under the config's promptsDir; a dataset is checked with a prompt that names it in \`tests: [ { file: … } ]\``,
        },
      );
    }
    for (const ref of matches) selected.set(ref.file, ref);
  }
  return [...selected.values()];
}

/** The prompts whose `- file:` entries may name this dataset: those whose text mentions its name. */
function promptsNaming(all: readonly PromptFileRef[], dataset: string, promptsDir: string): PromptFileRef[] {
  const root = realRoot(promptsDir);
  const name = basename(dataset);
  return all.filter((ref) => {
    try {
      return readProjectFile(ref.file, root, "promptsDir").includes(name);
    } catch (error) {
      if (error instanceof UnreadableFileError) return false;
      throw error;
    }
  });
}
