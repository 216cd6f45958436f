import { basename, dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { PromptOpsError } from "../../errors.js";
import { readProjectFile, realRoot, UnreadableFileError } from "../../fs/project-file.js";
import { promptIdProblem } from "../../prompt/prompt-id.js";
import type { NotCarried } from "../promptfoo/not-carried.js";
import { writeNewFiles } from "../write-new-files.js";
import { convertDotprompt, type HandlebarsParse } from "./convert-dotprompt.js";

export interface DotpromptImportOptions {
  cwd: string;
  /** The .prompt files, as the user named them (relative to cwd): the names in every location. */
  files: string[];
  /** The promptops project the prompt files are written into (prompts/ under it). */
  outDir: string;
  force: boolean;
}

export interface DotpromptImportResult {
  written: string[];
  prompts: Array<{ id: string; file: string; source: string }>;
  notCarried: NotCarried[];
}

/**
 * dotprompt's templates are untrusted input: they are parsed by the Handlebars parser only (never
 * compiled, so nothing in them runs), loaded when this command runs. Every file is converted before
 * any is written; a file that cannot be carried over stops the import with nothing written.
 */
export async function importDotprompt(options: DotpromptImportOptions): Promise<DotpromptImportResult> {
  const parse = await loadHandlebarsParser();
  const outDir = resolve(options.cwd, options.outDir);
  const ids = new Set<string>();
  const planned = options.files.map((name) => {
    const text = readSource(resolve(options.cwd, name), name);
    const id = promptId(name, ids);
    const converted = convertDotprompt(name, text, id, parse);
    return {
      id,
      name,
      path: join(outDir, "prompts", `${id}.prompt.yaml`),
      text: promptFileText(converted.prompt),
      notes: converted.notes,
    };
  });
  writeNewFiles(
    planned,
    options.force,
    "import-would-overwrite",
    "import into an empty folder with --out <dir>",
  );
  return {
    written: planned.map((p) => p.path),
    prompts: planned.map((p) => ({ id: p.id, file: p.path, source: p.name })),
    notCarried: planned.flatMap((p) => p.notes),
  };
}

export async function loadHandlebarsParser(): Promise<HandlebarsParse> {
  const { parse } = await import("@handlebars/parser");
  return (input) => parse(input);
}

export function promptFileText(prompt: Record<string, unknown>): string {
  return `# yaml-language-server: $schema=../node_modules/promptops/schemas/prompt.schema.json\n# Imported from dotprompt by \`promptops import dotprompt\`.\n${stringify(prompt, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The .prompt file's text, read as import prompty reads its files (readProjectFile, in its folder). */
function readSource(file: string, name: string): string {
  try {
    return readProjectFile(file, realRoot(dirname(file)), "its folder");
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new PromptOpsError("import-source-unreadable", `${name} ${error.message}`, {
      hint: "give the paths of dotprompt .prompt files",
      location: { file: name },
    });
  }
}

/** `greeting.prompt` → greeting; a variant `greeting.casual.prompt` → greeting.casual. */
function promptId(name: string, taken: Set<string>): string {
  const base = basename(name)
    .replace(/\.prompt$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "");
  let id = promptIdProblem(base) === undefined ? base : `prompt-${base || "imported"}`;
  if (promptIdProblem(id) !== undefined) id = "prompt";
  const first = id;
  for (let n = 2; taken.has(id); n++) id = `${first}-${n}`;
  taken.add(id);
  return id;
}
