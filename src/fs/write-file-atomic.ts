import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// Every file promptops writes for others to read (lockfile, generated types, reports, response
// cache, run records, start-up caches) goes through here: a temp file beside the target, then a
// rename over it, so a reader sees the old file or the new one, never half of one.

/**
 * Beside the target, so the rename never crosses file systems; the pid and random part keep two
 * writers apart; the leading dot and ".tmp" keep it out of listings, globs and watchers' names.
 */
function tempFileFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * A device, FIFO or socket at the target (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is
 * written into, never renamed over: replacing /dev/null with a regular file, as root, breaks every
 * program on the machine that writes to it.
 */
export function isSpecialFile(file: string): boolean {
  const info = statSync(file, { throwIfNoEntry: false });
  return info !== undefined && !info.isFile() && !info.isDirectory();
}

/** Refuses to rename over anything but a regular file (see isSpecialFile). */
function refuseSpecialFile(file: string): void {
  if (!isSpecialFile(file)) return;
  throw Object.assign(new Error(`${file} is not a regular file`), { code: "ENOTREG" });
}

/**
 * The synchronous write, making the folder if it is missing. Synchronous on purpose for the
 * run record and the response cache: a second Ctrl-C quits at once (process.exit in a signal
 * handler), and a handler runs only between two pieces of JavaScript, never inside this call, so
 * no temp or half-written file is ever left behind. A failed write removes its temp file and
 * throws the file system's error.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  refuseSpecialFile(file);
  const temp = tempFileFor(file);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

/**
 * The durable write, for files people commit (the lockfile, generated types): the data is
 * flushed to disk before the rename and the rename itself after it, and an existing file keeps
 * its exact mode. Readers (and fs.watch in the runtime) see the old file or the new one.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  refuseSpecialFile(file);
  const temp = tempFileFor(file);
  const mode = await stat(file).then(
    (info) => info.mode & 0o777,
    () => undefined,
  );
  const handle = await open(temp, "wx", mode ?? 0o666);
  try {
    try {
      // open's mode is masked by the umask; an existing file keeps its exact mode.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(file));
}

// On Windows a rename over a file another process has open fails for a moment (EPERM/EBUSY).
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== "win32" || attempt >= 10 || !["EPERM", "EBUSY", "EACCES"].includes(code ?? ""))
        throw error;
      await sleep(10 * (attempt + 1));
    }
  }
}

/** Makes the rename itself durable; directories cannot be opened on Windows, where this is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the data itself is already on disk.
  } finally {
    await handle.close();
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // The write failed already; that is the error worth reporting.
  }
}
