import { realpathSync } from "node:fs";
import { relative, sep } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { loadConfigOrThrow } from "../config/load-config.js";
import { PromptOpsError } from "../errors.js";
import { findRepoRoot, isShallow } from "../git/index.js";
import { PROMPT_FILE_SUFFIX } from "../prompt/prompt-id.js";

/** A promptops project inside a git repository: where its prompts live, as git sees them. */
export interface GitProject {
  config: ProjectConfig;
  repoRoot: string;
  /** promptsDir relative to the repository root, with "/" separators ("" when they coincide). */
  promptsPath: string;
  shallow: boolean;
}

export async function openGitProject(cwd: string): Promise<GitProject> {
  const config = loadConfigOrThrow(cwd);
  const repoRoot = await findRepoRoot(config.root);
  if (!repoRoot) {
    throw new PromptOpsError("not-a-git-repo", `${config.root} is not inside a git repository`, {
      exitCode: 2,
      hint: "versions are git tags: run `git init` and commit your prompts first",
    });
  }
  // git reports the real path; resolve ours the same way so symlinked temp dirs still match.
  const promptsPath = relative(realpathSync(repoRoot), safeRealpath(config.promptsDir)).split(sep).join("/");
  return { config, repoRoot, promptsPath, shallow: await isShallow(repoRoot) };
}

/** The repository-relative path of a prompt's file. */
export function promptFilePath(project: GitProject, id: string): string {
  return joinPath(project.promptsPath, `${id}${PROMPT_FILE_SUFFIX}`);
}

/** The repository-relative path of a partial. */
export function partialFilePath(project: GitProject, name: string): string {
  return joinPath(project.promptsPath, name);
}

function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export const SHALLOW_HINT =
  "this is a shallow clone: run `git fetch --unshallow --tags` so history and tags are complete";
