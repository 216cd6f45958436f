import { runGit } from "./run-git.js";

export interface HistoryCommit {
  sha: string;
  /** "Name <email>" of the author. */
  author: string;
  /** Committer date, ISO 8601: when the change landed on the branch. */
  date: string;
  subject: string;
}

/**
 * Every commit reachable from HEAD that changed `path`, oldest first, from one `git log`.
 * `--follow` is left out on purpose: the lockfile is never renamed, and --follow changes which
 * commits are listed in ways that depend on rename detection.
 */
export async function fileHistory(root: string, path: string): Promise<HistoryCommit[]> {
  let stdout: string;
  try {
    stdout = await runGit(root, [
      "log",
      "--reverse",
      // log.showSignature=true in user config would mix gpg output into ours.
      "--no-show-signature",
      "--format=%H%x00%an <%ae>%x00%cI%x00%s%x00",
      "--",
      path,
    ]);
  } catch (error) {
    // A repository without commits has no history of anything.
    if (/does not have any commits yet/.test(String((error as { stderr?: string }).stderr ?? ""))) return [];
    throw error;
  }
  const fields = stdout.split("\0");
  const commits: HistoryCommit[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    commits.push({
      sha: fields[i]!.trim(),
      author: fields[i + 1]!,
      date: fields[i + 2]!,
      subject: fields[i + 3]!,
    });
  }
  return commits;
}
