import { GitError } from "./git-error.js";
import { runGit } from "./run-git.js";

export interface NoteEntry {
  /** The object the note is attached to. */
  object: string;
  /** The note's blob. */
  blob: string;
}

/**
 * Every note under `ref` (e.g. refs/notes/promptops) from one `git ls-tree`, however many there
 * are; read the blobs with one CatFileBatch. `git notes list` would say the same, but a notes tree
 * may be fanned out ("ab/cdef…"), which ls-tree -r flattens for us. An absent ref has no notes.
 */
export async function listNotes(root: string, ref: string): Promise<NoteEntry[]> {
  let stdout: string;
  try {
    // -z: paths are object names here, but a tree is untrusted and may hold anything.
    stdout = await runGit(root, ["ls-tree", "-r", "-z", "--full-tree", `${ref}^{tree}`]);
  } catch (error) {
    if (error instanceof GitError && /Not a valid object name|not a tree object/.test(error.stderr))
      return [];
    throw error;
  }
  const notes: NoteEntry[] = [];
  for (const record of stdout.split("\0")) {
    // "<mode> <type> <sha>\t<path>"
    const match = /^\d+ blob ([0-9a-f]{40}|[0-9a-f]{64})\t(.+)$/.exec(record);
    if (!match) continue;
    const object = match[2]!.replaceAll("/", "");
    if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(object)) notes.push({ object, blob: match[1]! });
  }
  return notes;
}
