import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { PromptOpsError } from "../../errors.js";
import { realRoot } from "../../fs/project-file.js";
import { writeFileAtomicSync } from "../../fs/write-file-atomic.js";
import { isCodeownersEntry } from "../../prompt/check-owners.js";
import { isRecord, type NotCarried } from "../promptfoo/not-carried.js";
import { uniqueId } from "../promptfoo/plan-prompt-files.js";
import { convertBody } from "./prompty-body.js";
import { convertInputs } from "./prompty-inputs.js";
import { convertModel } from "./prompty-model.js";
import { PromptyNotes } from "./prompty-notes.js";
import { readPromptySource } from "./prompty-source.js";

export interface PromptyImportOptions {
  cwd: string;
  /** The .prompty files, as the user named them (relative to cwd): the names in every location. */
  files: string[];
  /** The promptops project written into (relative to cwd): its prompts/ folder. */
  outDir: string;
  force: boolean;
}

export interface PromptyImportResult {
  /** Files written, absolute. */
  written: string[];
  prompts: Array<{ id: string; file: string; source: string; tests: number }>;
  /** The .prompty files not imported at all (the notes say why). */
  skipped: string[];
  notCarried: NotCarried[];
}

export const PROMPTY_HEADER =
  "# yaml-language-server: $schema=../node_modules/promptops/schemas/prompt.schema.json\n# Imported from a Prompty file by `promptops import prompty`.\n";

const METADATA = new Set([
  "$schema",
  "name",
  "description",
  "authors",
  "model",
  "sample",
  "inputs",
  "template",
]);

/**
 * Turns .prompty files into promptops prompt files: plans every file first, refuses to overwrite
 * any (unless `force`), then writes each atomically. A .prompty file is untrusted: its front
 * matter goes through our YAML parser, a sample file is read only from beside it, nothing in it runs.
 */
export function importPrompty(options: PromptyImportOptions): PromptyImportResult {
  const outDir = resolve(options.cwd, options.outDir);
  const taken = new Set<string>();
  const planned: Array<{ id: string; path: string; text: string; source: string; tests: number }> = [];
  const skipped: string[] = [];
  const notCarried: NotCarried[] = [];
  for (const name of options.files) {
    const file = resolve(options.cwd, name);
    const converted = convertPromptyFile(file, name, basename(name, extname(name)));
    notCarried.push(...converted.notes);
    if (!converted.prompt) {
      skipped.push(name);
      continue;
    }
    const id = uniqueId(basename(name, extname(name)), taken);
    planned.push({
      id,
      path: join(outDir, "prompts", `${id}.prompt.yaml`),
      text: PROMPTY_HEADER + stringify(converted.prompt, { lineWidth: 0, aliasDuplicateObjects: false }),
      source: name,
      tests: Array.isArray(converted.prompt.tests) ? converted.prompt.tests.length : 0,
    });
  }
  const existing = planned.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !options.force) {
    throw new PromptOpsError("import-would-overwrite", "already exists: nothing written", {
      hint: `import into an empty folder with --out <dir>, or pass --force to replace ${existing.length === 1 ? "it" : `these ${existing.length} files`}`,
      location: { file: existing[0]!.path },
    });
  }
  for (const f of planned) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileAtomicSync(f.path, f.text);
  }
  return {
    written: planned.map((f) => f.path),
    prompts: planned.map((f) => ({ id: f.id, file: f.path, source: f.source, tests: f.tests })),
    skipped,
    notCarried,
  };
}

interface ConvertedFile {
  prompt?: Record<string, unknown>;
  notes: NotCarried[];
}

/** One .prompty file as a promptops prompt (in the prompt file's key order), or why it is not one. */
export function convertPromptyFile(file: string, displayName: string, fileId: string): ConvertedFile {
  const folder = realRoot(dirname(file));
  const source = readPromptySource(file, displayName, folder);
  const attributes = source.attributes;
  const notes = new PromptyNotes(source.frontMatter);
  const sorted = () =>
    notes.items.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
  for (const key of Object.keys(attributes))
    if (!METADATA.has(key)) notes.add([key], `not carried over: "${key}"`, "key");
  const engine = isRecord(attributes.template)
    ? (attributes.template.format ?? attributes.template.type)
    : attributes.template;
  if (engine !== undefined && engine !== "jinja2") {
    notes.add(
      ["template"],
      `not carried over: a ${String(engine)} template (promptops reads Jinja-style templates); the file was not imported`,
    );
    return { notes: sorted() };
  }
  if (isRecord(attributes.template))
    for (const [key, value] of Object.entries(attributes.template))
      if (!(key === "format" || key === "type" || (key === "parser" && value === "prompty")))
        notes.add(
          ["template", key],
          `not carried over: template setting ${key}: ${JSON.stringify(value)}`,
          "key",
        );
  const body = convertBody(source.body, source.bodyLine, notes);
  if (!body) return { notes: sorted() };
  const model = convertModel(attributes.model, notes);
  const inputs = convertInputs(attributes, body, folder, notes);
  const prompt: Record<string, unknown> = {};
  if (typeof attributes.description === "string") prompt.description = attributes.description;
  const owners = authors(attributes.authors, notes);
  if (owners.length > 0) prompt.owners = owners;
  if (model.model) prompt.model = model.model;
  if (Object.keys(inputs.variables).length > 0) prompt.variables = inputs.variables;
  prompt.messages = body.messages;
  if (model.response_format) prompt.response_format = model.response_format;
  if (model.tools) prompt.tools = model.tools;
  if (inputs.sample) prompt.tests = [{ name: "sample", vars: inputs.sample, assert: [] }];
  const name = attributes.name;
  if (typeof name === "string" && uniqueId(name, new Set()) !== uniqueId(fileId, new Set()))
    notes.add(["name"], `not carried over: name "${name}" (a promptops prompt's id is its file name)`);
  return { prompt, notes: sorted() };
}

/** Prompty's authors are people's names; promptops owners are reviewers CODEOWNERS can name. */
function authors(value: unknown, notes: PromptyNotes): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    notes.add(["authors"], "not carried over: `authors` is not a list");
    return [];
  }
  const owners: string[] = [];
  value.forEach((author, i) => {
    if (typeof author === "string" && isCodeownersEntry(author)) owners.push(author);
    else
      notes.add(
        ["authors", i],
        `not carried over: author ${JSON.stringify(author)} (owners are @user, @org/team or e-mail addresses)`,
      );
  });
  return owners;
}
