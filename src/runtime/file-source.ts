import { stat } from "node:fs/promises";
import { fileSignature, type LockfileText, readLockfileText } from "../lockfile/read-lockfile-text.js";
import type { AcceptLockfile } from "./url-source.js";
import { type EntryWatch, watchDirectoryEntry } from "./watch-directory-entry.js";

export const MISSING_LOCKFILE_HINT =
  "activate a version first (promptops activate <id>@<N> --env <env>) and ship promptops.lock with the app";

/**
 * Loads the lockfile from a file and, with `watch`, hands every changed version of it to `accept`.
 * `served` is the lockfile being served now (its text and file signature).
 */
export async function loadFromFile(
  file: string,
  watch: boolean,
  accept: AcceptLockfile,
  reportError: (error: Error) => void,
  served: () => LockfileText,
): Promise<EntryWatch | undefined> {
  accept(await readLockfileText(file, MISSING_LOCKFILE_HINT), file, "file");
  if (!watch) return undefined;
  // What was last looked at, good or bad, so that one broken or missing file is reported once,
  // not again at every event in its directory.
  let seenSignature = served().signature;
  let rejected: string | undefined;

  const reload = async (byName: boolean) => {
    const before = await signature(file);
    if (!byName && before === seenSignature) return;
    try {
      const fresh = await readLockfileText(file, MISSING_LOCKFILE_HINT).catch((error) => {
        // Taken before the attempt: a file that cannot be read (missing, a FIFO, too large) is
        // tried again when it changes, not at every event in its directory.
        seenSignature = before;
        throw error;
      });
      seenSignature = fresh.signature;
      if (fresh.text === served().text || fresh.text === rejected) return;
      rejected = fresh.text;
      accept(fresh, file, "file");
      rejected = undefined;
    } catch (error) {
      reportError(error as Error);
    }
  };
  return watchDirectoryEntry(file, reload, reportError);
}

async function signature(file: string): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  return info ? fileSignature(info) : "missing";
}
