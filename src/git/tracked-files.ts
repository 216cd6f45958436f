import { GitError } from "./git-error.js";
import { runGit } from "./run-git.js";

/**
 * The files git tracks under `paths` (relative to `cwd`, inside its working tree), as paths
 * relative to `cwd`; null when `cwd` is in no repository, or git is not installed: then nothing
 * can be tracked. One process whatever the number of paths and files.
 */
export async function trackedFiles(cwd: string, paths: readonly string[]): Promise<string[] | null> {
  if (paths.length === 0) return [];
  try {
    // --literal-pathspecs: a configured folder named "cache[1]" or "*" means that folder only.
    // -z: names as they are, neither quoted nor escaped (core.quotePath).
    const out = await runGit(cwd, ["--literal-pathspecs", "ls-files", "-z", "--", ...paths]);
    return out.split("\0").filter(Boolean);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    if (error.exitCode === 128 && /not a git repository/i.test(error.stderr)) return null;
    if (error.exitCode === null && (error.cause as NodeJS.ErrnoException)?.code === "ENOENT") return null;
    throw error;
  }
}
