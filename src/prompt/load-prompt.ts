import { readFileSync } from "node:fs";
import type { Diagnostic, Severity } from "../diagnostics.js";
import { UnreadableFileError } from "../fs/project-file.js";
import { promptValidator } from "../schemas/generated/prompt-validator.js";
import { schemaDiagnostics } from "../schemas/schema-diagnostics.js";
import type { ParsedYamlCache } from "../yaml/parsed-yaml-cache.js";
import { type PathSegment, parseYamlSource, type YamlSource } from "../yaml/yaml-source.js";
import type { PromptFileRef } from "./discover.js";
import type { PromptFile } from "./prompt-file.js";
import { promptIdProblem } from "./prompt-id.js";
import { salvagePrompt } from "./salvage-prompt.js";

/** Keys people put at the wrong level, and where they belong. */
const KNOWN_KEY_PATHS = {
  temperature: "model.params.temperature",
  max_tokens: "model.params.max_tokens",
  top_p: "model.params.top_p",
  stop: "model.params.stop",
  seed: "model.params.seed",
  provider: "model.provider",
  params: "model.params",
  asserts: "assert",
  assertions: "assert",
  prompt: "messages",
  template: "messages",
  system: "messages (a message with role: system)",
  inputs: "variables",
  input_variables: "variables",
  vars: "tests[].vars",
} as const;

export interface LoadedPrompt extends PromptFileRef {
  source: YamlSource;
  /** The file's content, when it parsed and matched the schema. */
  prompt: PromptFile | undefined;
  /** When the schema failed: its usable parts, for the checks that can still run. */
  salvaged?: PromptFile;
  /** When the schema failed: where (JSON pointers), so later checks skip what it reported. */
  schemaErrorPaths?: readonly string[];
  diagnostics: Diagnostic[];
}

export function diagnosticAt(
  source: YamlSource,
  path: readonly PathSegment[],
  code: string,
  message: string,
  options: { hint?: string; severity?: Severity; target?: "key" | "value" } = {},
): Diagnostic {
  const { line, col } = source.locate(path, options.target);
  return {
    file: source.file,
    line,
    col,
    severity: options.severity ?? "error",
    code,
    message,
    ...(options.hint ? { hint: options.hint } : {}),
  };
}

/** Reads a prompt file and checks its YAML and its shape; semantic checks come after. */
export function loadPrompt(
  ref: PromptFileRef,
  readText: (file: string) => string = readUtf8,
  parseCache?: ParsedYamlCache,
): LoadedPrompt {
  let text: string;
  try {
    text = readText(ref.file);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    const source = parseYamlSource(ref.file, "");
    const diagnostic: Diagnostic = {
      file: ref.file,
      line: 1,
      col: 1,
      severity: "error",
      code: "prompt-unreadable",
      message: `prompt file ${error.message}`,
      hint: error.hint,
    };
    return { ...ref, source, prompt: undefined, diagnostics: [diagnostic] };
  }
  const source = parseYamlSource(ref.file, text, parseCache);
  const diagnostics = [...source.diagnostics];
  const idProblem = promptIdProblem(ref.id);
  if (idProblem) {
    diagnostics.push({
      file: ref.file,
      line: 1,
      col: 1,
      severity: "error",
      code: "prompt-id",
      message: idProblem,
      hint: "rename the file: its path under promptsDir is the prompt's id",
    });
  }
  if (source.value === undefined) return { ...ref, source, prompt: undefined, diagnostics };
  if (source.value === null || typeof source.value !== "object" || Array.isArray(source.value)) {
    diagnostics.push(
      diagnosticAt(source, [], "prompt-not-a-map", "a prompt file must be a map with at least `messages:`", {
        hint: "see `promptops init` for an example prompt",
      }),
    );
    return { ...ref, source, prompt: undefined, diagnostics };
  }
  const validate = promptValidator();
  if (!validate(source.value)) {
    diagnostics.push(...schemaDiagnostics(source, validate.errors, "prompt", KNOWN_KEY_PATHS));
    const errorPaths = (validate.errors ?? []).map((e) => e.instancePath);
    const salvaged = salvagePrompt(source.value as Record<string, unknown>);
    return { ...ref, source, prompt: undefined, salvaged, schemaErrorPaths: errorPaths, diagnostics };
  }
  const prompt = source.value as PromptFile;
  // Frozen, variable schemas can be recognised by identity (variables.ts caches validators by
  // object): a validate of 1,000 prompts then stops re-serialising the same schema per test.
  if (prompt.variables) deepFreeze(prompt.variables);
  return { ...ref, source, prompt, diagnostics };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

function readUtf8(file: string): string {
  return readFileSync(file, "utf8");
}
