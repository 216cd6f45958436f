import { appendFile, mkdir, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { PromptOpsError } from "../errors.js";
import { rotatedName } from "./rotated-name.js";

export interface JsonlWriterOptions {
  /** Absolute path of the file lines are appended to. */
  file: string;
  /** A file about to grow past this is renamed aside first (see rotated-name.ts). */
  maxFileBytes: number;
  /** Lines waiting to be written, in UTF-16 code units; past it, new lines are dropped and counted. */
  maxBufferChars: number;
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
  /** Flushes; lines written afterwards are dropped. */
  close(): Promise<void>;
  stats(): WriterStats;
}

/**
 * Appends lines in batches: the application's thread only pushes a string into an array; one batch
 * at a time is joined and appended by libuv's thread pool. The file is opened for each batch (by
 * path), so a log directory that is replaced or removed shows up as failed writes, counted, instead
 * of lines silently going to a file nobody can reach; under load a batch holds thousands of lines,
 * so the open is amortised.
 */
export function createJsonlWriter(options: JsonlWriterOptions): JsonlWriter {
  const { file, maxFileBytes, maxBufferChars, onError } = options;
  let queue: string[] = [];
  let queuedChars = 0;
  let written = 0;
  let dropped = 0;
  let rotations = 0;
  let closed = false;
  let failing = false;
  /** Bytes in the file, once known: tracked, not stat'ed before every batch. */
  let size: number | undefined;
  /** The running drain, if any: flush() waits for it. */
  let draining: Promise<void> | undefined;

  const appendBatch = async (lines: string[]) => {
    const data = Buffer.from(`${lines.join("\n")}\n`);
    if (size === undefined) size = (await stat(file).catch(() => undefined))?.size ?? 0;
    if (size > 0 && size + data.length > maxFileBytes) {
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
    while (queue.length > 0) {
      const lines = queue;
      queue = [];
      queuedChars = 0;
      try {
        await appendBatch(lines);
        written += lines.length;
        failing = false;
      } catch (error) {
        dropped += lines.length;
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
    }
  };

  const startDrain = () => {
    draining = drain().finally(() => {
      draining = undefined;
      if (queue.length > 0) startDrain();
    });
  };

  return {
    write(line) {
      if (closed || queuedChars + line.length > maxBufferChars) {
        dropped++;
        return false;
      }
      queue.push(line);
      queuedChars += line.length;
      if (!draining) startDrain();
      return true;
    },
    drop(count) {
      dropped += count;
    },
    async flush() {
      while (draining) await draining;
    },
    async close() {
      closed = true;
      while (draining) await draining;
    },
    stats: () => ({ written, dropped, queued: queue.length, rotations }),
  };
}
