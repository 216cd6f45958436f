import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from "node:fs";
import { sep } from "node:path";

/** Far above any real prompt or partial; a bigger file is a mistake or an attack, never read into memory. */
export const MAX_PROJECT_FILE_BYTES = 16 * 1024 * 1024;

export type UnreadableReason = "outside" | "not-regular" | "too-large" | "missing";

/** A project file that is not read: what it is, said without quoting anything from it. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: UnreadableReason,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "UnreadableFileError";
  }
}

/**
 * Reads a file that belongs to the project: its real path (symbolic links followed) inside `root`
 * (named `rootName` in messages),
 * a regular file, at most MAX_PROJECT_FILE_BYTES. Prompt files and partials come from pull
 * requests: a link to ~/.aws/credentials must not be read (and quoted back in an error), a FIFO
 * must not hang `validate`, and /dev/zero must not fill memory. The file is opened without
 * blocking and checked through the open descriptor, so it cannot be swapped between check and read.
 */
export function readProjectFile(file: string, root: string, rootName: string): string {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new UnreadableFileError(file, "missing", "is gone or a link to nothing", "check the file");
  }
  if (!isInside(real, root)) {
    throw new UnreadableFileError(
      file,
      "outside",
      `is a link to a file outside ${rootName}: not read`,
      `prompt files and partials must live inside ${rootName}: copy the file in instead of linking to it`,
    );
  }
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new UnreadableFileError(
        file,
        "not-regular",
        "is not a regular file (a FIFO, device, socket or folder): not read",
        "prompt files and partials are plain text files",
      );
    }
    if (info.size > MAX_PROJECT_FILE_BYTES) {
      throw new UnreadableFileError(
        file,
        "too-large",
        `is ${Math.round(info.size / 1024 / 1024)} MiB, more than the ${MAX_PROJECT_FILE_BYTES / 1024 / 1024} MiB a prompt file or partial may have: not read`,
        "split it up, or move the data out of the prompt",
      );
    }
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** The real path of a project's root, to confine reads to; the path itself when it does not exist. */
export function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/** Strictly inside: `dir` itself is not inside itself. */
export function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
