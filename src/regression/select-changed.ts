import { basename, dirname, join, relative, sep } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import { realRoot } from "../fs/project-file.js";
import { pathsChangedSince } from "../git/index.js";
import type { CheckedPrompt } from "../prompt/prompt-project.js";
import { openGitProject, partialFilePath, promptFilePath } from "../versions/git-project.js";

/**
 * The prompts a pull request touched: those whose file changed since `ref` (content or tests),
 * plus every prompt that includes a changed partial, directly or through another partial.
 */
export async function selectChangedSince(
  config: ProjectConfig,
  prompts: CheckedPrompt[],
  ref: string,
): Promise<CheckedPrompt[]> {
  const project = await openGitProject(config.root);
  let changed: Set<string>;
  try {
    changed = new Set(await pathsChangedSince(project.repoRoot, ref));
  } catch (error) {
    throw new PromptOpsError("bad-since-ref", `--since ${ref}: git cannot compare with it`, {
      exitCode: 2,
      hint: "fetch the base branch first (e.g. git fetch origin main) and pass origin/main",
      cause: error,
    });
  }
  // A dataset is the prompt's tests: a changed row changes what testing the prompt means.
  const repoRoot = realRoot(project.repoRoot);
  return prompts.filter(
    (prompt) =>
      changed.has(promptFilePath(project, prompt.id)) ||
      (prompt.result?.partials ?? []).some((name) => changed.has(partialFilePath(project, name))) ||
      (prompt.datasets?.files ?? []).some((file) => changed.has(repoPath(repoRoot, file))),
  );
}

/** A file's path as git names it: from the repository's real root, with "/" separators. */
function repoPath(repoRoot: string, file: string): string {
  return relative(repoRoot, join(realRoot(dirname(file)), basename(file)))
    .split(sep)
    .join("/");
}
