import { createReadStream } from "node:fs";

/** A call-log line longer than this is skipped (and counted), never held whole in memory. */
export const MAX_LINE_CHARS = 1024 * 1024;

export interface LineVisitor {
  /** A complete line (without its newline), 1-based line number. */
  line(text: string, lineNumber: number): void;
  /** A line over the length bound: skipped without being kept. */
  tooLong(lineNumber: number): void;
}

/**
 * Streams a text file line by line: memory holds one chunk and at most one bounded partial line,
 * whatever the file's size. Lines end at "\n" (a "\r" before it is dropped); a last line without a
 * newline counts. Synchronous callbacks per chunk, not an async iterator per line: a million lines
 * cost a million function calls, not a million promises.
 */
export async function readLines(
  file: string,
  visitor: LineVisitor,
  maxLineChars: number = MAX_LINE_CHARS,
): Promise<number> {
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  let partial = "";
  let skipping = false; // inside a line that is already over the bound
  let lineNumber = 0;
  const emit = (text: string) => {
    lineNumber++;
    if (skipping) {
      skipping = false;
      visitor.tooLong(lineNumber);
      return;
    }
    if (text.length > maxLineChars) {
      visitor.tooLong(lineNumber);
      return;
    }
    visitor.line(text.endsWith("\r") ? text.slice(0, -1) : text, lineNumber);
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    let start = 0;
    let newline = chunk.indexOf("\n");
    while (newline !== -1) {
      const piece = chunk.slice(start, newline);
      emit(partial === "" ? piece : partial + piece);
      partial = "";
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (skipping) continue;
    partial += chunk.slice(start);
    if (partial.length > maxLineChars) {
      partial = "";
      skipping = true;
    }
  }
  if (skipping || partial !== "") emit(partial);
  return lineNumber;
}
