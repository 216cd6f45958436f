import { GitError } from "./git-error.js";
import { runGit } from "./run-git.js";

/** git ends one-value outputs with a newline; paths may end in spaces, so only drop that. */
function value(stdout: string): string {
  return stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout;
}

function isGitFailure(error: unknown, exitCode: number, stderr?: RegExp): error is GitError {
  return (
    error instanceof GitError &&
    error.exitCode === exitCode &&
    (stderr === undefined || stderr.test(error.stderr))
  );
}

/**
 * The top of the working tree containing `cwd` (symlinks resolved, as git reports it), or
 * null outside any repository. Other failures, such as git's "dubious ownership" refusal,
 * are thrown: reporting them as "not a git repository" would send the user the wrong way.
 */
export async function findRepoRoot(cwd: string): Promise<string | null> {
  try {
    return value(await runGit(cwd, ["rev-parse", "--show-toplevel"]));
  } catch (error) {
    if (isGitFailure(error, 128, /not a git repository/i)) return null;
    throw error;
  }
}

/** A shallow clone lacks history, so version history and tag targets may be incomplete. */
export async function isShallow(root: string): Promise<boolean> {
  return value(await runGit(root, ["rev-parse", "--is-shallow-repository"])) === "true";
}

/** The commit HEAD points at, or null on a branch with no commits yet. */
export async function headCommit(root: string): Promise<string | null> {
  // --verify --quiet: exit 1 and print nothing when HEAD has no commit yet.
  return valueOrNullOnExit1(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
}

/** The checked-out branch's short name, or null when HEAD is detached. */
export async function currentBranch(root: string): Promise<string | null> {
  return valueOrNullOnExit1(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
}

/** For commands whose --quiet makes "there is none" exit 1 with no output; other failures throw. */
async function valueOrNullOnExit1(root: string, args: string[]): Promise<string | null> {
  try {
    return value(await runGit(root, args));
  } catch (error) {
    if (isGitFailure(error, 1)) return null;
    throw error;
  }
}

/**
 * Who git would record as the committer (and tagger), as "Name <email>". Asking git
 * rather than reading user.name/user.email honours GIT_COMMITTER_* variables, includes
 * and conditional config exactly as `git tag` will. Throws when no identity is set.
 */
export async function identity(root: string): Promise<string> {
  const ident = value(await runGit(root, ["var", "GIT_COMMITTER_IDENT"]));
  // "Name <email> 1700000000 +0100": the timestamp is now, not part of who.
  return ident.replace(/\s+\d+\s+[+-]\d{4}$/, "");
}

export interface PathStatus {
  /**
   * Repository-relative. A file inside an ignored directory is reported under its own
   * path if it was asked about, else git's "dir/" entry is passed on.
   */
  path: string;
  /** The two status letters of `git status --porcelain=v1`, e.g. " M", "A ", "??". */
  code: string;
  /** The index differs from HEAD: a change is staged. */
  staged: boolean;
  /** The working tree differs from the index: an unstaged edit or deletion. */
  modified: boolean;
  deleted: boolean;
  untracked: boolean;
  ignored: boolean;
  /** Unmerged: a conflict is in progress. */
  conflicted: boolean;
}

const UNMERGED = new Set(["DD", "AU", "UD", "UA", "DU", "AA", "UU"]);
// Past this many characters of pathspecs, argv limits (32 KiB on Windows) get close; we
// ask about the whole tree instead and filter here.
const MAX_PATHSPEC_CHARS = 24_000;

/**
 * Which of `paths` (files or directories, repository-relative) have uncommitted changes,
 * in one `git status`. Clean paths are absent from the result. Ignored files are reported
 * too, because a prompt file that is ignored will never reach a commit.
 */
export async function statusOfPaths(root: string, paths: string[]): Promise<PathStatus[]> {
  if (paths.length === 0) return [];
  const wholeTree = paths.reduce((n, p) => n + p.length + 1, 0) > MAX_PATHSPEC_CHARS;
  const args = [
    // Our paths are file names, never globs: "a[1].txt" must not match "a1.txt". Given
    // per command, not to every call: git exports it to hooks, where it breaks globs.
    "--literal-pathspecs",
    "status",
    "--porcelain=v1",
    "-z",
    // Spelled out so user config (status.showUntrackedFiles=no, status.renames) cannot
    // hide an untracked file or turn two paths into one rename entry.
    "--untracked-files=all",
    "--no-renames",
    // "matching" shows an ignored directory as one entry instead of every file in it.
    "--ignored=matching",
    ...(wholeTree ? [] : ["--", ...paths]),
  ];
  const entries = parsePorcelainV1(await runGit(root, args)).flatMap((entry) => {
    // An ignored directory is one "dir/" entry; answer for the requested files inside it.
    if (!entry.path.endsWith("/")) return [entry];
    const inside = paths.filter((p) => p.startsWith(entry.path) && p !== entry.path);
    return inside.length > 0 ? inside.map((path) => ({ ...entry, path })) : [entry];
  });
  return wholeTree ? entries.filter((entry) => paths.some((p) => covers(entry.path, p))) : entries;
}

function covers(entryPath: string, requested: string): boolean {
  const dir = (p: string) => (p.endsWith("/") ? p : `${p}/`);
  return (
    entryPath === requested || entryPath.startsWith(dir(requested)) || requested.startsWith(dir(entryPath))
  );
}

function parsePorcelainV1(stdout: string): PathStatus[] {
  const fields = stdout.split("\0");
  const entries: PathStatus[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === "") continue;
    const code = field.slice(0, 2);
    const [x, y] = [code[0]!, code[1]!];
    // A rename or copy is followed by its source path; --no-renames should prevent it,
    // but a stray one must not shift every later entry.
    if ("RC".includes(x) || "RC".includes(y)) i++;
    const untracked = code === "??";
    const ignored = code === "!!";
    entries.push({
      path: field.slice(3),
      code,
      staged: !untracked && !ignored && x !== " ",
      modified: !untracked && !ignored && y !== " ",
      deleted: x === "D" || y === "D",
      untracked,
      ignored,
      conflicted: UNMERGED.has(code),
    });
  }
  return entries;
}

export interface CommitSummary {
  sha: string;
  subject: string;
  /** The message after the subject paragraph, without trailing newlines. */
  body: string;
}

/** The newest commit reachable from HEAD that changed any of `paths`, or null. */
export async function lastCommitTouching(root: string, paths: string[]): Promise<CommitSummary | null> {
  if (paths.length === 0) return null;
  let stdout: string;
  try {
    stdout = await runGit(root, [
      "--literal-pathspecs",
      "log",
      "-1",
      // log.showSignature=true in user config would mix gpg output into ours.
      "--no-show-signature",
      "--format=%H%x00%s%x00%b",
      "--",
      ...paths,
    ]);
  } catch (error) {
    if (isGitFailure(error, 128, /does not have any commits yet/)) return null;
    throw error;
  }
  if (stdout === "") return null;
  const [sha = "", subject = "", ...rest] = stdout.split("\0");
  return { sha, subject, body: rest.join("\0").replace(/\n+$/, "") };
}

/**
 * Paths (repository-relative, sorted) that differ between `ref` and the working tree,
 * staged or not, plus untracked files: what `promptops test --since <ref>` must rerun.
 */
export async function pathsChangedSince(root: string, ref: string): Promise<string[]> {
  const [changed, untracked] = await Promise.all([
    runGit(root, [
      "diff",
      "--name-only",
      "-z",
      // A rename is a deletion and an addition: both paths matter to the caller.
      "--no-renames",
      // `ref` comes from the user; a value like "--output=x" must stay a revision.
      "--end-of-options",
      ref,
      "--",
    ]),
    runGit(root, ["ls-files", "--others", "--exclude-standard", "-z"]),
  ]);
  const paths = new Set([...changed.split("\0"), ...untracked.split("\0")]);
  paths.delete("");
  return [...paths].sort();
}

/** The URL git would fetch `remote` from (after insteadOf rewriting), or null if there is no such remote. */
export async function remoteUrl(root: string, remote = "origin"): Promise<string | null> {
  try {
    return value(await runGit(root, ["remote", "get-url", "--", remote]));
  } catch (error) {
    if (error instanceof GitError && /no such remote/i.test(error.stderr)) return null;
    throw error;
  }
}
