import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { PromptOpsError } from "../errors.js";

/**
 * The largest lockfile read. A lockfile holds only the versions environments point at: a thousand
 * prompts of 10 KB each is a third of this. Beyond it a file is refused unread, so that one put
 * there by mistake or malice cannot exhaust an application's memory.
 */
export const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;

export interface LockfileText {
  text: string;
  /** Identity, size and mtime of what was read: a cheap "did it change" test (`fileSignature`). */
  signature: string;
}

/**
 * Reads a lockfile that is a regular file (or a link to one) of at most MAX_LOCKFILE_BYTES. Anything
 * else is a PromptOpsError, decided without reading it: a FIFO would block the read until a writer
 * came, on a thread of libuv's pool, which keeps the process alive and blocks process.exit too.
 */
export async function readLockfileText(file: string, missingHint: string): Promise<LockfileText> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK makes opening a FIFO return at once (it changes nothing for a regular file);
    // Windows has no FIFOs to open and no such flag.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw openFailed(error, file, missingHint);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notAFile(file, info);
    const bytes = await readAtMost(handle, info.size, MAX_LOCKFILE_BYTES);
    if (!bytes) throw tooLarge(file);
    return { text: bytes.toString("utf8"), signature: fileSignature(info) };
  } finally {
    await handle.close();
  }
}

/**
 * readLockfileText for loadPromptsSync (a CommonJS module has no top-level await): the same
 * rules, decided the same way, before anything is read.
 */
export function readLockfileTextSync(file: string, missingHint: string): LockfileText {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw openFailed(error, file, missingHint);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notAFile(file, info);
    if (info.size > MAX_LOCKFILE_BYTES) throw tooLarge(file);
    // One byte more than allowed: a file that grew past the limit since its stat is still refused.
    const buffer = Buffer.allocUnsafe(Math.min(info.size + 1, MAX_LOCKFILE_BYTES + 1));
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) {
        if (length > MAX_LOCKFILE_BYTES) throw tooLarge(file);
        // The file grew since its stat: the async reader's doubling is not worth it here.
        throw new PromptOpsError("lockfile-unreadable", `${file} changed while it was read`, {
          exitCode: 2,
          hint: "write the lockfile atomically (promptops does), then start the app again",
        });
      }
    }
    return { text: buffer.toString("utf8", 0, length), signature: fileSignature(info) };
  } finally {
    closeSync(fd);
  }
}

function openFailed(error: unknown, file: string, missingHint: string): PromptOpsError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === "ENOENT") {
    return new PromptOpsError("lockfile-not-found", `no lockfile at ${file}`, {
      exitCode: 2,
      hint: missingHint,
    });
  }
  return new PromptOpsError("lockfile-unreadable", `cannot read the lockfile: ${message}`, {
    exitCode: 2,
    location: { file },
    hint: "check the file's permissions",
  });
}

function notAFile(file: string, info: Stats): PromptOpsError {
  return new PromptOpsError("lockfile-not-a-file", `${file} is ${fileKind(info)}, not a regular file`, {
    exitCode: 2,
    hint: "the lockfile must be a regular file (or a link to one): put the promptops.lock written by promptops there",
  });
}

function tooLarge(file: string): PromptOpsError {
  return new PromptOpsError(
    "lockfile-too-large",
    `${file} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB`,
    {
      exitCode: 2,
      hint: "this is not a lockfile promptops wrote; restore it from git (`git checkout -- <file>`) or run `promptops lock`",
    },
  );
}

/** The lockfile's text, or undefined when there is none yet; the same rules as readLockfileText. */
export async function readLockfileTextIfExists(file: string): Promise<string | undefined> {
  try {
    return (await readLockfileText(file, "")).text;
  } catch (error) {
    if (error instanceof PromptOpsError && error.code === "lockfile-not-found") return undefined;
    throw error;
  }
}

export function fileSignature(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

/** The file's bytes, or undefined when it holds more than `limit` (it may have grown since its stat). */
async function readAtMost(handle: FileHandle, size: number, limit: number): Promise<Buffer | undefined> {
  if (size > limit) return undefined;
  // One byte more than the stat said: the end is found without growing the buffer, unless the file
  // grew since (or is one whose stat says 0, like those in /proc).
  let buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return undefined;
      const larger = Buffer.allocUnsafe(Math.min(length * 2, limit + 1));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
  }
}

function fileKind(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "of another kind";
}
