import type { CatFileBatch } from "./cat-file-batch.js";
import { GitError } from "./git-error.js";
import { runGit } from "./run-git.js";

/**
 * Every note under `ref`, keyed by the object it annotates, read with one `git notes list`
 * and the caller's cat-file batch: a constant number of processes however many notes. An
 * absent notes ref is simply no notes.
 */
export async function readNotes(
  root: string,
  ref: string,
  batch: CatFileBatch,
): Promise<Map<string, string>> {
  const listing = await runGit(root, ["notes", `--ref=${ref}`, "list"]);
  const pairs = listing
    .split("\n")
    .map((line) => line.split(" "))
    .filter((parts): parts is [string, string] => parts.length === 2);
  const blobs = await Promise.all(pairs.map(([blob]) => batch.read(blob)));
  const notes = new Map<string, string>();
  pairs.forEach(([, annotated], i) => {
    const blob = blobs[i];
    if (blob) notes.set(annotated, blob.content.toString("utf8"));
  });
  return notes;
}

/**
 * Append `text` to the note on `commit` (git puts a blank line between what was there and
 * what is added; creating the note when there is none). Never replaces what is there.
 */
export async function appendNote(root: string, ref: string, commit: string, text: string): Promise<void> {
  // -F -: the text comes on stdin, never through argv or an editor.
  await runGit(root, ["notes", `--ref=${ref}`, "append", "-F", "-", `${commit}^{commit}`], { input: text });
}

export type NotesPushOutcome = "pushed" | "up-to-date" | "merged-and-pushed";

/**
 * Push `ref` to `remote`. When someone else pushed records first (a non-fast-forward
 * rejection), fetch theirs, merge line by line with git's cat_sort_uniq strategy (records
 * are lines, so both sides' records survive), and push again once.
 */
export async function pushNotes(root: string, remote: string, ref: string): Promise<NotesPushOutcome> {
  const refspec = `${ref}:${ref}`;
  const first = await tryPush(root, remote, refspec);
  if (first !== "rejected") return first;
  // Into FETCH_HEAD: no extra ref is left behind in the user's repository.
  await runGit(root, ["fetch", "--no-tags", "--quiet", "--", remote, ref]);
  await runGit(root, ["notes", `--ref=${ref}`, "merge", "--strategy=cat_sort_uniq", "--quiet", "FETCH_HEAD"]);
  const second = await tryPush(root, remote, refspec);
  if (second === "rejected") {
    throw new GitError({
      args: ["push", remote, refspec],
      cwd: root,
      exitCode: 1,
      message: `git push ${remote} ${refspec} was rejected again after merging the remote's notes`,
    });
  }
  return "merged-and-pushed";
}

async function tryPush(
  root: string,
  remote: string,
  refspec: string,
): Promise<"pushed" | "up-to-date" | "rejected"> {
  // --porcelain: a stable line per ref, even when the push is rejected.
  const args = ["push", "--porcelain", "--", remote, refspec];
  try {
    const stdout = await runGit(root, args);
    return /^=\t/m.test(stdout) ? "up-to-date" : "pushed";
  } catch (error) {
    if (error instanceof GitError && /^!\t.*\[rejected\]/m.test(error.stdout)) return "rejected";
    throw error;
  }
}
