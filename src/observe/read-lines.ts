import { createReadStream } from "node:fs";

/** A call-log line longer than this (in bytes) is skipped (and counted), never held whole in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface LineVisitor {
  /** A complete line (without its newline), 1-based line number. */
  line(text: string, lineNumber: number): void;
  /** A line over the length bound: skipped without being kept. */
  tooLong(lineNumber: number): void;
}

export interface ReadLinesOptions {
  maxLineBytes?: number;
  /**
   * Visit only the lines that contain this text (still numbered as in the file). Lines are found
   * by a byte search of each chunk, and only those are decoded: a pass that wants one line in
   * twenty costs little more than reading the file.
   */
  needle?: string;
}

const NEWLINE = 0x0a;

/**
 * Streams a text file line by line: memory holds one chunk and at most one bounded partial line,
 * whatever the file's size. Lines end at "\n" (a "\r" before it is dropped); a last line without a
 * newline counts. Synchronous callbacks per chunk, not an async iterator per line (a million lines
 * cost a million calls, not a million promises), and each line is decoded on its own from the
 * chunk's bytes, which is faster than decoding whole chunks and splitting the strings.
 */
export async function readLines(
  file: string,
  visitor: LineVisitor,
  options: ReadLinesOptions = {},
): Promise<number> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  const needle = options.needle === undefined ? undefined : Buffer.from(options.needle);
  let lineNumber = 0;
  let rest: Buffer | undefined;
  let skipping = false; // inside a line that is already over the bound

  const emit = (data: Buffer, start: number, end: number) => {
    lineNumber++;
    if (end - start > max) {
      visitor.tooLong(lineNumber);
      return;
    }
    if (end > start && data[end - 1] === 0x0d) end--;
    visitor.line(data.toString("utf8", start, end), lineNumber);
  };
  /** Lines from `start` up to the newline at `last`; returns where the unfinished rest begins. */
  const allLines = (data: Buffer, start: number, last: number) => {
    let newline = data.indexOf(NEWLINE, start);
    while (newline !== -1 && newline <= last) {
      emit(data, start, newline);
      start = newline + 1;
      newline = data.indexOf(NEWLINE, start);
    }
    return start;
  };
  const countLines = (data: Buffer, start: number, until: number) => {
    let newline = data.indexOf(NEWLINE, start);
    while (newline !== -1 && newline < until) {
      lineNumber++;
      start = newline + 1;
      newline = data.indexOf(NEWLINE, start);
    }
    return start;
  };
  const matchingLines = (data: Buffer, start: number, last: number, wanted: Buffer) => {
    let match = data.indexOf(wanted, start);
    while (match !== -1 && match < last) {
      start = countLines(data, start, match); // the lines before the match's, unread
      const end = data.indexOf(NEWLINE, match);
      emit(data, start, end);
      start = end + 1;
      match = data.indexOf(wanted, start);
    }
    return countLines(data, start, last + 1);
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let data = chunk;
    let start = 0;
    if (skipping) {
      const newline = data.indexOf(NEWLINE);
      if (newline === -1) continue;
      lineNumber++;
      visitor.tooLong(lineNumber);
      skipping = false;
      start = newline + 1;
    } else if (rest) {
      // Only the line that crosses the boundary is copied, not the whole chunk.
      const newline = data.indexOf(NEWLINE);
      if (newline === -1) {
        data = Buffer.concat([rest, chunk]);
      } else {
        const joined = Buffer.concat([rest, chunk.subarray(0, newline + 1)]);
        if (needle) matchingLines(joined, 0, joined.length - 1, needle);
        else allLines(joined, 0, joined.length - 1);
        start = newline + 1;
      }
      rest = undefined;
    }
    const last = data.lastIndexOf(NEWLINE);
    if (last >= start)
      start = needle ? matchingLines(data, start, last, needle) : allLines(data, start, last);
    if (data.length - start > max) skipping = true;
    else if (data.length > start) rest = data.subarray(start);
  }
  if (skipping) {
    lineNumber++;
    visitor.tooLong(lineNumber);
  } else if (rest && rest.length > 0) {
    const text = rest;
    if (!needle || text.includes(needle)) emit(text, 0, text.length);
    else lineNumber++;
  }
  return lineNumber;
}
