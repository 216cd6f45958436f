import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { PromptOpsError } from "../../errors.js";
import { readProjectFile, realRoot, UnreadableFileError } from "../../fs/project-file.js";
import { parseYamlSource } from "../../yaml/yaml-source.js";
import { writeNewFiles } from "../write-new-files.js";
import { isRecord, type NotCarried, NotCarriedList } from "./not-carried.js";
import { type PlannedPrompt, planPromptFiles } from "./plan-prompt-files.js";
import { convertPrompts } from "./promptfoo-prompts.js";
import { convertProviders, type ImportedModel } from "./promptfoo-providers.js";
import { convertTests, type ImportedTest } from "./promptfoo-tests.js";

export interface ImportOptions {
  cwd: string;
  /** The promptfoo config file, as the user named it (relative to cwd): the name in every location. */
  file: string;
  /** Where the promptops project is written (relative to cwd): promptops.config.yaml and prompts/. */
  outDir: string;
  force: boolean;
}

export interface ImportResult {
  /** Files written, absolute. */
  written: string[];
  prompts: Array<{ id: string; file: string; tests: number }>;
  notCarried: NotCarried[];
}

const KNOWN_KEYS = new Set(["description", "prompts", "providers", "tests", "defaultTest"]);

/**
 * Turns a promptfoo project into a promptops one: plans every file first, refuses to overwrite
 * any (unless `force`), then writes each atomically. The promptfoo config is untrusted: parsed as
 * data, files it names read only from inside its folder, code in it never run.
 */
export function importPromptfoo(options: ImportOptions): ImportResult {
  const file = resolve(options.cwd, options.file);
  const outDir = resolve(options.cwd, options.outDir);
  const root = realRoot(dirname(file));
  let text: string;
  try {
    text = readProjectFile(file, root, "its folder");
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new PromptOpsError("import-source-unreadable", `${options.file} ${error.message}`, {
      hint: "give the path of a promptfooconfig.yaml",
      location: { file: options.file },
    });
  }
  const source = parseYamlSource(options.file, text);
  const error = source.diagnostics.find((d) => d.severity === "error");
  if (error || !isRecord(source.value)) {
    throw new PromptOpsError(
      "import-source-invalid",
      error ? error.message : "is not a promptfoo config (a YAML map)",
      {
        hint: "fix the promptfoo config, or check that promptfoo itself reads it",
        location: error ? { file: error.file, line: error.line, col: error.col } : { file: options.file },
      },
    );
  }
  const config = source.value;
  const notes = new NotCarriedList(source);
  for (const key of Object.keys(config))
    if (!KNOWN_KEYS.has(key)) notes.add([key], `not carried over: top-level setting "${key}"`, "key");
  const models = convertProviders(config.providers, notes);
  const prompts = convertPrompts(config.prompts, root, notes);
  const tests = convertTests(config, notes);
  const description = typeof config.description === "string" ? config.description : undefined;
  const planned = planPromptFiles({ prompts, tests, model: models[0], description, notes });
  const files = [
    { path: join(outDir, "promptops.config.yaml"), text: configText(models.slice(1), needsJudge(tests)) },
    ...planned.map((p) => ({ path: join(outDir, "prompts", `${p.id}.prompt.yaml`), text: p.text })),
  ];
  writeNewFiles(
    files,
    options.force,
    "import-would-overwrite",
    "import into an empty folder with --out <dir>",
  );
  return {
    written: files.map((f) => f.path),
    prompts: planned.map((p: PlannedPrompt) => ({
      id: p.id,
      file: join(outDir, "prompts", `${p.id}.prompt.yaml`),
      tests: p.tests,
    })),
    notCarried: notes.items.sort(
      (a, b) => a.location.line - b.location.line || a.location.col - b.location.col,
    ),
  };
}

/** promptfoo grades llm-rubric with OpenAI by default; promptops needs the judge named. */
const PROMPTFOO_DEFAULT_JUDGE = "openai:gpt-4o";

function needsJudge(tests: ImportedTest[]): boolean {
  return tests.some((test) => test.assert.some((assertion) => "llm-judge" in assertion));
}

function configText(matrix: ImportedModel[], judge: boolean): string {
  const config: Record<string, unknown> = { promptsDir: "prompts" };
  if (judge) config.judge = PROMPTFOO_DEFAULT_JUDGE;
  if (matrix.length > 0)
    config.providers = matrix.map((m) =>
      m.params
        ? { id: `${m.provider}-${m.name}`, kind: m.provider, model: m.name, params: m.params }
        : `${m.provider}:${m.name}`,
    );
  return `# Imported from a promptfoo config by \`promptops import promptfoo\`.\n${stringify(config)}`;
}
