import { randomBytes } from "node:crypto";
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
 *
 * `git notes append` moves the notes ref without checking that nobody moved it meanwhile, so two
 * commands appending at once could lose a record. The append is made on a scratch ref copied
 * from the notes ref, and the notes ref then moves only if it still is what was copied
 * (update-ref's compare-and-swap); if not, it starts again from the new value.
 */
export async function appendNote(root: string, ref: string, commit: string, text: string): Promise<void> {
  const scratch = `${ref}-scratch-${process.pid}-${randomBytes(4).toString("hex")}`;
  for (let attempt = 1; ; attempt++) {
    const old = await resolveRef(root, ref);
    try {
      if (old) await runGit(root, ["update-ref", scratch, old]);
      // -F -: the text comes on stdin, never through argv or an editor.
      await runGit(root, ["notes", `--ref=${scratch}`, "append", "-F", "-", `${commit}^{commit}`], {
        input: text,
      });
      const made = await resolveRef(root, scratch);
      if (!made)
        throw new GitError({
          args: ["notes", "append"],
          cwd: root,
          exitCode: 0,
          message: `git notes append did not create ${scratch}`,
        });
      // The empty old value means "must not exist yet".
      await runGit(root, ["update-ref", "-m", "promptops: append a record", ref, made, old ?? ""]);
      return;
    } catch (error) {
      const moved = error instanceof GitError && (await resolveRef(root, ref)) !== old;
      if (!moved || attempt >= 20) throw error;
      // Someone else appended meanwhile: their record stays, ours is made again on top of it.
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    } finally {
      await runGit(root, ["update-ref", "-d", scratch]).catch(() => {});
    }
  }
}

/** The object a ref points at, or null when it does not exist. */
async function resolveRef(root: string, ref: string): Promise<string | null> {
  try {
    return (await runGit(root, ["rev-parse", "--verify", "--quiet", ref])).trim() || null;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return null;
    throw error;
  }
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
