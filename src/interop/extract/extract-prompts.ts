import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { isInside } from "../../fs/project-file.js";
import { writeFileAtomicSync } from "../../fs/write-file-atomic.js";
import { PROMPT_FILE_SUFFIX, promptIdProblem } from "../../prompt/prompt-id.js";
import type { ExtractedPrompt, ExtractResult } from "./extracted-prompt.js";
import { type FoundPrompt, findPrompts } from "./find-prompts.js";
import { loadTypeScript, type TypeScriptApi } from "./load-typescript.js";
import { promptFileText } from "./prompt-file-text.js";
import { proposeId } from "./prompt-ids.js";
import { renderCheck } from "./render-check.js";
import { sourceFilesUnder } from "./source-files.js";
import { createSourceProgram, type SkippedFile } from "./source-program.js";
import { toTemplate } from "./to-template.js";

export interface ExtractOptions {
  cwd: string;
  /** Files and folders to look in, relative to cwd. */
  paths: string[];
  /** Where prompt files go (relative to cwd); default the project's promptsDir. */
  outDir?: string;
  /** `<file>:<line>` (file relative to cwd, as the listing prints it) → the id to use instead. */
  ids?: Record<string, string>;
  force: boolean;
  /** Tests give their own loader, to see what happens when no compiler API is installed. */
  loadTypeScript?: (cwd: string) => Promise<TypeScriptApi>;
}

/** ExtractResult, plus what this run did: the files written and the source files it could not read. */
export interface ExtractRun extends ExtractResult {
  /** Prompt files written, absolute, in the order of `prompts`. */
  written: string[];
  skippedFiles: SkippedFile[];
  /** How many prompts failed the render check (a difference, not only something unprovable). */
  renderFailures: number;
}

/**
 * Finds the inline prompts in the code under `paths`, plans one prompt file each, checks each by
 * rendering it, then — when no planned file exists, or with `force` — writes them all, atomically
 * each. The code is never run: what it would send is computed from its syntax tree.
 */
export async function extractPrompts(options: ExtractOptions): Promise<ExtractRun> {
  const files = sourceFilesUnder(options.cwd, options.paths);
  const config = loadConfigOrThrow(options.cwd);
  const outDir = options.outDir === undefined ? config.promptsDir : resolve(options.cwd, options.outDir);
  const ts = await (options.loadTypeScript ?? loadTypeScript)(options.cwd);
  const program = createSourceProgram(ts, files);
  const { found, notExtracted } = findPrompts(ts, program.checker, program.files);
  const root = commonRoot(options.cwd, options.paths);
  const ids = assignIds(found, root, options.cwd, options.ids ?? {});
  const prompts: ExtractedPrompt[] = [];
  const planned: Array<{ path: string; text: string }> = [];
  let renderFailures = 0;
  for (const [index, prompt] of found.entries()) {
    const extracted = toExtracted(prompt, ids[index]!);
    const path = join(outDir, `${extracted.id}${PROMPT_FILE_SUFFIX}`);
    const schema = relative(
      dirname(path),
      join(config.root, "node_modules/promptops/schemas/prompt.schema.json"),
    );
    const text = promptFileText(extracted, config.root, schema.split(sep).join("/"));
    const mismatches = renderCheck(extracted.id, text, prompt.messages, extracted.variables);
    if (mismatches.length > 0) renderFailures++;
    extracted.rewriteBlockers.push(...mismatches);
    prompts.push(extracted);
    planned.push({ path, text });
  }
  // A file that already says exactly what extract would write is no conflict: extract, review,
  // publish, then the same command with --write (or again after a refused --write) finds its own files.
  const existing = planned.filter((file) => existsSync(file.path) && !holds(file.path, file.text));
  if (existing.length > 0 && !options.force) {
    throw new PromptOpsError("extract-would-overwrite", "already exists: nothing written", {
      hint: `choose other ids with --id <file:line>=<id>, or pass --force to replace ${existing.length === 1 ? "it" : `these ${existing.length} files`}`,
      location: { file: existing[0]!.path },
    });
  }
  for (const file of planned) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileAtomicSync(file.path, file.text);
  }
  return {
    prompts,
    notExtracted,
    written: planned.map((f) => f.path),
    skippedFiles: program.skipped,
    renderFailures,
  };
}

function holds(path: string, text: string): boolean {
  try {
    // The size first: whatever sits there (a FIFO, a huge file) is never read unless it could match.
    const stat = statSync(path);
    return stat.isFile() && stat.size === Buffer.byteLength(text) && readFileSync(path, "utf8") === text;
  } catch {
    return false;
  }
}

function toExtracted(prompt: FoundPrompt, id: string): ExtractedPrompt {
  const extracted: ExtractedPrompt = {
    id,
    shape: prompt.shape,
    call: prompt.call,
    ...(prompt.functionName !== undefined ? { functionName: prompt.functionName } : {}),
    ...(prompt.model !== undefined ? { model: prompt.model } : {}),
    params: prompt.params,
    ...(prompt.responseFormat !== undefined ? { responseFormat: prompt.responseFormat } : {}),
    messages: prompt.messages.map((m) => ({ role: m.role, content: toTemplate(m.parts) })),
    variables: prompt.variables.map((v) => ({
      name: v.name,
      expression: v.expression,
      ...(v.type ? { type: v.type } : {}),
      ...(v.asText ? { asText: v.asText } : {}),
    })),
    replacedProperties: prompt.replacedProperties,
    rewriteBlockers: prompt.variables.flatMap((v) => (v.unprovable ? [v.unprovable] : [])),
  };
  return extracted;
}

/** Proposed ids, then the `--id` overrides; a bad or repeated id, or an override matching no prompt, is a usage error. */
function assignIds(found: FoundPrompt[], root: string, cwd: string, given: Record<string, string>): string[] {
  const at = (file: string, line: number | string) =>
    `${relative(cwd, resolve(cwd, file)).split(sep).join("/")}:${line}`;
  const where = (p: FoundPrompt) => at(p.call.file, p.call.line);
  // `./src/a.ts:3` and `src/a.ts:3` name the same call.
  const overrides: Record<string, string> = {};
  for (const [key, id] of Object.entries(given)) {
    const colon = key.lastIndexOf(":");
    overrides[at(key.slice(0, colon), key.slice(colon + 1))] = id;
  }
  for (const [place, id] of Object.entries(overrides)) {
    const problem = promptIdProblem(id);
    if (problem)
      throw new PromptOpsError("extract-bad-id", `--id ${place}=${id}: ${problem}`, {
        hint: "an id is lowercase, e.g. support/answer",
        exitCode: 2,
      });
    if (!found.some((p) => where(p) === place))
      throw new PromptOpsError("extract-bad-id", `--id ${place}=${id}: no extracted prompt at ${place}`, {
        hint: "use the file:line the listing prints for the prompt",
        exitCode: 2,
      });
  }
  const taken = new Set(Object.values(overrides));
  if (taken.size !== Object.values(overrides).length)
    throw new PromptOpsError("extract-bad-id", "two --id flags give the same id", {
      hint: "give each prompt its own id",
      exitCode: 2,
    });
  return found.map((p) => overrides[where(p)] ?? proposeId(root, p.call.file, p.functionName, taken));
}

/** The deepest folder holding every path (a file's own folder for a file). */
function commonRoot(cwd: string, paths: readonly string[]): string {
  const folders = paths.map((p) => {
    const absolute = resolve(cwd, p);
    return statSync(absolute).isDirectory() ? absolute : dirname(absolute);
  });
  let root = folders[0] ?? resolve(cwd);
  while (!folders.every((f) => f === root || isInside(f, root))) root = dirname(root);
  return root;
}
