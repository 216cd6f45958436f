import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PromptOpsError } from "../errors.js";
import { writeFileAtomic } from "../fs/write-file-atomic.js";
import { emptyLockfile, type Lockfile, parseLockfile, validateLockfile } from "./lockfile.js";
import { checkLockfileSignature, type SigningKey } from "./lockfile-signature.js";
import { lockfileToWrite, looseParse, type SignatureNote } from "./lockfile-to-write.js";
import { readLockfileTextIfExists } from "./read-lockfile-text.js";
import { pruneLockfile } from "./serialize-lockfile.js";

export type LockfileUpdater = (current: Lockfile) => Lockfile | Promise<Lockfile>;

export interface LockfileWriteOptions {
  /** How long to wait for another process's update to finish. Default 5000 ms. */
  lockTimeoutMs?: number;
  /** Sign what is written with this key; without one, a signature the change makes stale is dropped. */
  signing?: SigningKey;
  /** False: drop the signature even over unchanged content (it is known not to verify). */
  keepSignature?: boolean;
}

export interface LockfileUpdate extends SignatureNote {
  before: Lockfile;
  /** What was written (pruned), or what is already there when nothing changed. */
  after: Lockfile;
  /** False when the update produced the same bytes; the file was then left alone. */
  changed: boolean;
}

/**
 * Read–modify–write under an exclusive lock, so concurrent activations never lose an update. A
 * missing lockfile reads as empty. The result is pruned and validated before anything is written,
 * and written atomically, so a failed update or a crash leaves the old file whole.
 */
export async function updateLockfile(
  file: string,
  update: LockfileUpdater,
  options: LockfileWriteOptions = {},
): Promise<LockfileUpdate> {
  return withFileLock(file, options, async () => {
    const currentText = await readLockfileTextIfExists(file);
    const current = currentText === undefined ? emptyLockfile() : parseLockfile(currentText, file);
    if (options.signing && current.signature) refuseToSignOver(current, options.signing, file);
    const before = structuredClone(current);
    const written = lockfileToWrite(pruneLockfile(await update(current)), before, options.signing);
    const { lockfile: after, text, ...note } = written;
    validateLockfile(after, file);
    if (text === currentText) return { before, after, changed: false };
    await writeFileAtomic(file, text);
    return { before, after, changed: true, ...note };
  });
}

/**
 * Read–rebuild–write under the same exclusive lock as `updateLockfile`, for `promptops lock`:
 * `rebuild` gets the file's text as it is inside the lock (undefined when there is none), so it
 * can read a file that no longer parses, and returns the lockfile to write, or undefined to leave
 * the file alone. An activation that lands while `lock` works is then seen, never overwritten.
 */
export async function rebuildLockfile(
  file: string,
  rebuild: (currentText: string | undefined) => Promise<Lockfile | undefined>,
  options: LockfileWriteOptions = {},
): Promise<{ written: boolean } & SignatureNote> {
  return withFileLock(file, options, async () => {
    const currentText = await readLockfileTextIfExists(file);
    const rebuilt = await rebuild(currentText);
    if (!rebuilt) return { written: false };
    // `lock` checks every entry against the tags: it is what re-signs a lockfile (after a merge,
    // with a new key), so it signs over whatever signature was there.
    const { lockfile, text, ...note } = lockfileToWrite(
      pruneLockfile(rebuilt),
      looseParse(currentText),
      options.signing,
      options.keepSignature,
    );
    validateLockfile(lockfile, file);
    if (text === currentText) return { written: false };
    await writeFileAtomic(file, text);
    return { written: true, ...note };
  });
}

/**
 * activate, rollback and promote sign only on top of a lockfile that is unsigned or carries a
 * good signature of the same key: re-signing what someone changed without the key would launder it.
 */
function refuseToSignOver(current: Lockfile, signing: SigningKey, file: string): void {
  try {
    checkLockfileSignature(current, { key: signing.publicKey, keyId: signing.keyId }, { file });
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    const rotating = error.code === "lockfile-wrong-key";
    throw new PromptOpsError(
      error.code,
      rotating
        ? `${file} is signed with key ${current.signature?.keyId}, not with the signing key ${signing.keyId}: nothing was written`
        : `${error.message}: nothing was written, as signing it would vouch for that change`,
      {
        exitCode: error.exitCode,
        hint: rotating
          ? "to move to a new key, re-sign the lockfile first: promptops lock --sign <new key file>"
          : "`promptops lock --check` shows what changed; restore promptops.lock from git, or run `promptops lock`, which checks every entry against the tags and signs the result",
      },
    );
  }
}

interface LockOwner {
  pid: number;
  host: string;
  /** Tells our lock from one another process created after taking a stale one over. */
  token?: string;
}

async function withFileLock<T>(
  file: string,
  options: LockfileWriteOptions,
  work: () => Promise<T>,
): Promise<T> {
  const lockPath = `${file}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString("hex") };
  await acquire(lockPath, file, me, options.lockTimeoutMs ?? 5000);
  try {
    return await work();
  } finally {
    await release(lockPath, me);
  }
}

async function release(lockPath: string, me: LockOwner): Promise<void> {
  const owner = parseOwner(await readFile(lockPath, "utf8").catch(() => ""));
  if (owner?.token === me.token) await unlink(lockPath).catch(() => {});
}

async function acquire(lockPath: string, file: string, me: LockOwner, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 4; ; delay = Math.min(delay * 2, 100)) {
    try {
      // "wx" fails if the file exists: creating it is the atomic test-and-set.
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } catch (error) {
        await handle.close();
        await unlink(lockPath).catch(() => {});
        throw error;
      }
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await takeOverIfStale(lockPath);
    if (holder === "taken-over") continue;
    if (Date.now() >= deadline) {
      const who = holder ? ` (pid ${holder.pid}${holder.host === me.host ? "" : ` on ${holder.host}`})` : "";
      throw new PromptOpsError("lockfile-busy", `${file} is being updated by another process${who}`, {
        exitCode: 2,
        hint: `try again; if no promptops command is running, delete ${lockPath}`,
      });
    }
    // Jitter keeps a crowd of waiters from retrying in lockstep.
    await sleep(delay * (0.5 + Math.random()));
  }
}

/**
 * Removes a lock whose owner died (crash, kill -9) and says so; otherwise returns its owner.
 * Of several processes that find the same stale lock, only one may remove it, and never a fresh
 * lock created after it: so the lock is moved aside (rename is atomic) and removed only if what
 * was moved is the very file judged stale (same inode), else put back.
 */
async function takeOverIfStale(lockPath: string): Promise<LockOwner | undefined | "taken-over"> {
  let identity: string;
  let text: string;
  let mtimeMs: number;
  try {
    const handle = await open(lockPath, "r");
    try {
      const info = await handle.stat({ bigint: true });
      identity = `${info.dev}:${info.ino}`;
      mtimeMs = Number(info.mtimeMs);
      text = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "taken-over";
    throw error;
  }
  const owner = parseOwner(text);
  // An unreadable owner is a process between creating the lock and writing its pid, unless that
  // was long ago (it died in between).
  const stale = owner ? !isAlive(owner) : Date.now() - mtimeMs > 10_000;
  if (!stale) return owner;

  const aside = join(
    dirname(lockPath),
    `.${basename(lockPath)}.${process.pid}.${randomBytes(4).toString("hex")}.stale`,
  );
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "taken-over";
    throw error;
  }
  const moved = await stat(aside, { bigint: true });
  if (`${moved.dev}:${moved.ino}` !== identity) {
    // Another process took the stale lock over between our look and our move: give it back.
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
  return "taken-over";
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(owner.pid) && typeof owner.host === "string") return owner as LockOwner;
  } catch {}
  return undefined;
}

function isAlive(owner: LockOwner): boolean {
  // A pid on another machine (a shared network folder) cannot be checked: assume it is alive.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
