import type { ProjectConfig } from "../config/config.js";
import type { Diagnostic } from "../diagnostics.js";
import { type ErrorCode, PromptOpsError } from "../errors.js";
import { readProjectFile, realRoot } from "../fs/project-file.js";
import type { ParsedYamlCache } from "../yaml/parsed-yaml-cache.js";
import { checkOwners } from "./check-owners.js";
import { checkProviderNames } from "./check-providers.js";
import { checkTemplates, checkVariableUse, partialSyntaxDiagnostic } from "./check-templates.js";
import { checkSchemas, checkTests } from "./check-tests.js";
import { checkToolCallAssertions } from "./check-tool-calls.js";
import { type CompiledResult, compilePrompt } from "./compile-prompt.js";
import type { PromptDatasets } from "./dataset-source.js";
import { discoverPartialNames, discoverPromptFiles, type PromptFileRef } from "./discover.js";
import { type LoadedPrompt, loadPrompt } from "./load-prompt.js";
import { isPartialProblem, PartialStore } from "./partials.js";

export interface CheckedPrompt extends LoadedPrompt {
  /** Present when the prompt has no errors. */
  result: CompiledResult | undefined;
  /** Its datasets' rows, once checkDatasets (check-datasets.ts) has read them. */
  datasets?: PromptDatasets;
}

export interface PromptCheckRun {
  prompts: CheckedPrompt[];
  /** Problems inside partial files, each reported once however many prompts include it. */
  partialDiagnostics: Diagnostic[];
}

/** Loads, checks and compiles the given prompt files of a project, sharing one partial cache. */
export function checkPrompts(
  config: ProjectConfig,
  refs: readonly PromptFileRef[],
  alsoCheckPartials: readonly string[] = [],
  parseCache?: ParsedYamlCache,
): PromptCheckRun {
  const store = new PartialStore(config.promptsDir);
  // Prompt files are confined like partials: a link may point elsewhere inside promptsDir only.
  const root = realRoot(config.promptsDir);
  const readText = (file: string) => readProjectFile(file, root, "promptsDir");
  let partialNames: string[] | undefined;
  const knownPartials = () => {
    partialNames ??= discoverPartialNames(config.promptsDir);
    return partialNames;
  };
  const partialDiagnostics = new Map<string, Diagnostic>();
  const prompts = refs.map((ref): CheckedPrompt => {
    const loaded = loadPrompt(ref, readText, parseCache);
    const prompt = loaded.prompt ?? loaded.salvaged;
    if (!prompt) return { ...loaded, result: undefined };
    const templates = checkTemplates(loaded, prompt, store, knownPartials);
    for (const d of templates.partialDiagnostics)
      partialDiagnostics.set(`${d.file}:${d.line}:${d.col}:${d.code}`, d);
    loaded.diagnostics.push(
      ...templates.diagnostics,
      ...checkVariableUse(loaded, prompt, templates),
      ...checkSchemas(loaded, prompt),
      ...checkTests(loaded, prompt, {
        allowJavascript: config.test.allowJavascript,
        hasJudge: config.judge !== undefined,
      }),
      ...checkToolCallAssertions(loaded, prompt),
      ...checkProviderNames(loaded, config.providers),
      ...checkOwners(loaded),
    );
    const failed = loaded.diagnostics.some((d) => d.severity === "error");
    const valid = loaded.prompt !== undefined && !failed;
    return { ...loaded, result: valid ? compilePrompt(loaded.prompt!, store) : undefined };
  });
  for (const name of alsoCheckPartials) {
    const partial = store.get(name);
    if (isPartialProblem(partial) && partial.kind === "syntax") {
      const d = partialSyntaxDiagnostic(partial);
      partialDiagnostics.set(`${d.file}:${d.line}:${d.col}:${d.code}`, d);
    }
  }
  return { prompts, partialDiagnostics: [...partialDiagnostics.values()] };
}

export function checkProject(config: ProjectConfig): PromptCheckRun {
  return checkPrompts(config, discoverPromptFiles(config.promptsDir));
}

/**
 * For commands that need valid prompts (test, publish, types, render of a draft): refuse with the
 * first problem of the first invalid one, pointing at it. `validate` lists them all.
 */
export function refuseInvalidPrompts(
  prompts: readonly CheckedPrompt[],
  action: string,
  code: ErrorCode = "prompt-invalid",
): void {
  const invalid = prompts.filter((p) => !p.result);
  if (invalid.length === 0) return;
  const first = invalid[0]!.diagnostics.find((d) => d.severity === "error");
  const plural = invalid.length > 1 ? "s" : "";
  throw new PromptOpsError(
    code,
    `cannot ${action} invalid prompt${plural}: ${invalid.map((p) => p.id).join(", ")}`,
    {
      exitCode: 1,
      location: first,
      hint: `${first ? `${first.message}; ` : ""}run \`promptops validate\` to see every problem`,
    },
  );
}
