import { appendFile, mkdir, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { PromptOpsError } from "../errors.js";
import { rotatedName } from "./rotated-name.js";

export interface JsonlWriterOptions {
  /** Absolute path of the file lines are appended to. */
  file: string;
  /** A file about to grow past this is renamed aside first (see rotated-name.ts). */
  maxFileBytes: number;
  /**
   * Memory for lines, in bytes: two buffers of half this, one being written while the other fills.
   * A line that does not fit in the filling one is dropped and counted.
   */
  maxBufferBytes: number;
  /** Called once when writing starts to fail, and again only after a write has succeeded. */
  onError: (error: Error) => void;
}

export interface WriterStats {
  /** Lines on disk. */
  written: number;
  /** Lines lost: the buffer was full (a slow disk), a write failed, or the writer was closed. */
  dropped: number;
  /** Lines waiting to be written. */
  queued: number;
  /** Files renamed aside because they reached maxFileBytes. */
  rotations: number;
}

export interface JsonlWriter {
  /** Queues one line (without its newline); false when it was dropped. Never throws, never waits. */
  write(line: string): boolean;
  /** Counts a line that never reached write() (it could not be serialised) as dropped. */
  drop(count: number): void;
  /** Resolves when everything queued so far has been written or dropped. */
  flush(): Promise<void>;
  /**
   * Flushes, waiting at most `timeoutMs` for a disk that does not answer: then what is still
   * queued or being written counts as dropped, and close resolves (a shutdown must not hang).
   * Lines written afterwards are dropped.
   */
  close(timeoutMs: number): Promise<void>;
  stats(): WriterStats;
}

/**
 * Appends lines in batches: the application's thread copies each line's UTF-8 into a buffer
 * allocated once; a drain hands the filled buffer to libuv's thread pool to append and fills the
 * other meanwhile. No string or buffer is made per batch, which kept the garbage collector busy
 * (a third of the thread's time in bench/observe.mjs when batches were joined strings). The file
 * is opened for each batch (by path), so a log directory that is replaced or removed shows up as
 * failed writes, counted, instead of lines silently going to a file nobody can reach; under load a
 * batch holds thousands of lines, so the open is amortised.
 */
export function createJsonlWriter(options: JsonlWriterOptions): JsonlWriter {
  const { file, maxFileBytes, onError } = options;
  const half = Math.max(1, Math.floor(options.maxBufferBytes / 2));
  // Allocated at the first line, so a registry that never records holds no memory for it.
  let filling: Buffer | undefined;
  let spare: Buffer | undefined;
  let used = 0;
  let queuedLines = 0;
  let written = 0;
  let dropped = 0;
  let rotations = 0;
  let closed = false;
  /** close() gave up on a write that did not complete: its lines were counted as dropped. */
  let abandoned = false;
  let inFlightLines = 0;
  let failing = false;
  /** Bytes in the file, once known: tracked, not stat'ed before every batch. */
  let size: number | undefined;
  /** Whether the file is one that may be renamed aside: a regular file, or none yet. */
  let rotates = true;
  /** The running drain, if any: flush() waits for it. */
  let draining: Promise<void> | undefined;

  const appendBatch = async (data: Buffer) => {
    if (size === undefined) {
      const info = await stat(file).catch(() => undefined);
      size = info?.size ?? 0;
      // `file: "/dev/null"` (recording switched off by path), `/dev/stdout` or a named pipe is
      // written into and never rotated: renaming /dev/null aside, as root, breaks the machine.
      rotates = info === undefined || info.isFile();
    }
    if (rotates && size > 0 && size + data.length > maxFileBytes) {
      await rename(file, await rotatedName(file, new Date()));
      rotations++;
      size = 0;
    }
    try {
      await appendFile(file, data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      // The directory is missing (first run, or removed by a clean-up): make it and try once more.
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, data);
    }
    size += data.length;
  };

  const drain = async () => {
    // Yield first, so that every line queued in this turn of the event loop joins the batch.
    await new Promise((done) => setImmediate(done));
    while (queuedLines > 0) {
      const full = filling!;
      const data = full.subarray(0, used);
      const lines = queuedLines;
      filling = spare ?? Buffer.allocUnsafeSlow(half);
      spare = undefined;
      used = 0;
      queuedLines = 0;
      inFlightLines = lines;
      try {
        await appendBatch(data);
        if (abandoned) return;
        written += lines;
        failing = false;
      } catch (error) {
        if (abandoned) return;
        dropped += lines;
        // The file's size is unknown after a failure (a replaced directory, a full disk).
        size = undefined;
        if (!failing) {
          failing = true;
          onError(
            new PromptOpsError(
              "observe-write-failed",
              `cannot write call records to ${file}: ${(error as Error).message}`,
              {
                cause: error,
                hint: "records are dropped and counted (observeStats().dropped) until writing works again",
              },
            ),
          );
        }
      }
      inFlightLines = 0;
      spare = full;
    }
  };

  const startDrain = () => {
    draining = drain().finally(() => {
      draining = undefined;
      if (queuedLines > 0) startDrain();
    });
  };

  return {
    write(line) {
      if (closed) {
        dropped++;
        return false;
      }
      filling ??= Buffer.allocUnsafeSlow(half);
      const room = half - used - 1;
      // UTF-8 takes at most 3 bytes per UTF-16 unit: only a line that might not fit is measured.
      if (line.length * 3 > room && Buffer.byteLength(line) > room) {
        dropped++;
        return false;
      }
      used += filling.write(line, used);
      filling[used++] = 0x0a;
      queuedLines++;
      if (!draining) startDrain();
      return true;
    },
    drop(count) {
      dropped += count;
    },
    async flush() {
      while (draining) await draining;
    },
    async close(timeoutMs) {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        (async () => {
          while (draining) await draining;
          return false;
        })(),
        new Promise<boolean>((done) => {
          timer = setTimeout(() => done(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!gaveUp || abandoned) return;
      abandoned = true;
      dropped += inFlightLines + queuedLines;
      inFlightLines = 0;
      queuedLines = 0;
      used = 0;
    },
    stats: () => ({ written, dropped, queued: queuedLines, rotations }),
  };
}
