import { isAbsolute, resolve, sep } from "node:path";
import { PromptOpsError } from "../errors.js";
import type { CatFileBatch } from "../git/index.js";
import { templateStrings } from "../prompt/check-templates.js";
import { type CompiledResult, compilePrompt } from "../prompt/compile-prompt.js";
import { loadPrompt } from "../prompt/load-prompt.js";
import { PartialStore } from "../prompt/partials.js";
import { analyseTemplate } from "../prompt/template-analysis.js";
import { type GitProject, partialFilePath, promptFilePath } from "./git-project.js";

export type CompileAtCommitResult = { ok: true; result: CompiledResult } | { ok: false; problem: string };

/**
 * Compiles a prompt exactly as it was at `commit`: the prompt file and every partial it
 * includes are read from git (through one shared `cat-file --batch`), never from the working tree.
 */
export async function compileAtCommit(
  batch: CatFileBatch,
  project: GitProject,
  commit: string,
  id: string,
): Promise<CompileAtCommitResult> {
  const path = promptFilePath(project, id);
  const blob = await batch.read(`${commit}:${path}`);
  if (!blob) return { ok: false, problem: `${path} does not exist at commit ${commit.slice(0, 12)}` };
  const loaded = loadPrompt({ id, file: `${commit.slice(0, 12)}:${path}` }, () =>
    blob.content.toString("utf8"),
  );
  const firstError = loaded.diagnostics.find((d) => d.severity === "error");
  if (!loaded.prompt || firstError) {
    return {
      ok: false,
      problem: `the prompt at ${commit.slice(0, 12)} is invalid: ${firstError?.message ?? "unknown"}`,
    };
  }
  const partialTexts = await readIncludedPartials(
    batch,
    project,
    commit,
    templateStrings(loaded.prompt).map((t) => t.text),
  );
  const store = new PartialStore(project.config.promptsDir, (file) => {
    const text = partialTexts.get(file);
    if (text === undefined) throw new Error(`not in the commit: ${file}`);
    return text;
  });
  try {
    return { ok: true, result: compilePrompt(loaded.prompt, store) };
  } catch (error) {
    if (error instanceof PromptOpsError) return { ok: false, problem: error.message };
    throw error;
  }
}

/** Every partial reachable from `templates`, read at `commit`, keyed by its absolute path under promptsDir. */
async function readIncludedPartials(
  batch: CatFileBatch,
  project: GitProject,
  commit: string,
  templates: string[],
): Promise<Map<string, string>> {
  const promptsDir = project.config.promptsDir;
  const texts = new Map<string, string>();
  const seen = new Set<string>();
  let pending = templates.flatMap(includeNames);
  while (pending.length > 0) {
    const names = [...new Set(pending)].filter((name) => !seen.has(name));
    for (const name of names) seen.add(name);
    const found = await Promise.all(
      names.map(async (name) => {
        const file = resolve(promptsDir, name);
        // Names that leave promptsDir are refused by PartialStore; never ask git for them.
        if (isAbsolute(name) || !file.startsWith(promptsDir + sep)) return [];
        const blob = await batch.read(`${commit}:${partialFilePath(project, name)}`);
        if (!blob) return [];
        const text = blob.content.toString("utf8");
        texts.set(file, text);
        return includeNames(text);
      }),
    );
    pending = found.flat();
  }
  return texts;
}

function includeNames(template: string): string[] {
  try {
    return analyseTemplate(template)
      .includes.map((include) => include.name)
      .filter((name): name is string => name !== undefined);
  } catch {
    return [];
  }
}
