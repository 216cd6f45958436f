import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { writeFileAtomic } from "../fs/write-file-atomic.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { openGitProject, partialFilePath, promptFilePath } from "../versions/git-project.js";
import { type CodeownersRule, lineEndingOf, renderBlock, spliceBlock } from "./codeowners-block.js";

export interface CodeownersOptions {
  cwd: string;
  /** Relative to cwd; default .github/CODEOWNERS at the repository root. */
  out?: string;
  /** Change nothing; report whether the file is up to date. */
  check: boolean;
}

export interface CodeownersResult {
  file: string;
  rules: CodeownersRule[];
  /** The file's block differs from the one the owners give (or is missing). */
  stale: boolean;
  written: boolean;
  /** Unified diff of the file, old -> new; "" when up to date. */
  patch: string;
}

/**
 * CODEOWNERS from the prompts' `owners`: each prompt file to its owners, and each partial to the
 * owners of every prompt that includes it, directly or through another partial.
 */
export async function updateCodeowners(options: CodeownersOptions): Promise<CodeownersResult> {
  const project = await openGitProject(options.cwd);
  const run = checkPrompts(project.config, discoverPromptFiles(project.config.promptsDir));
  refuseInvalidPrompts(run.prompts, "write CODEOWNERS for");
  const partialOwners = new Map<string, Set<string>>();
  const rules: CodeownersRule[] = [];
  for (const prompt of run.prompts) {
    const owners = [...new Set(prompt.prompt?.owners ?? [])];
    // No owners: no line, so a broader rule elsewhere in the file still applies.
    if (owners.length === 0) continue;
    rules.push({ path: promptFilePath(project, prompt.id), owners });
    for (const name of prompt.result?.partials ?? []) {
      const set = partialOwners.get(name) ?? new Set<string>();
      for (const owner of owners) set.add(owner);
      partialOwners.set(name, set);
    }
  }
  for (const [name, owners] of partialOwners)
    rules.push({ path: partialFilePath(project, name), owners: [...owners].sort() });

  const file = options.out
    ? resolve(options.cwd, options.out)
    : join(project.repoRoot, ".github", "CODEOWNERS");
  const before = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const after = spliceBlock(before ?? "", renderBlock(rules, lineEndingOf(before ?? "")), file);
  const stale = before !== after;
  const patch = stale ? createTwoFilesPatch("CODEOWNERS", "CODEOWNERS", before ?? "", after, "", "") : "";
  let written = false;
  if (stale && !options.check) {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, after);
    written = true;
  }
  return { file, rules, stale, written, patch };
}
