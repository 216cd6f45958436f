import { relative } from "node:path";
import { type LoggedCall, type LoggedFeedback, parseCallLogLine } from "./call-log-line.js";
import { readLines } from "./read-lines.js";

export interface ScanHandlers {
  call?(call: LoggedCall): void;
  feedback?(feedback: LoggedFeedback): void;
  /**
   * Only lines containing this text are decoded and parsed (a byte search); the others are skipped
   * unparsed, and so never counted as malformed. Parsing is most of a scan's cost.
   */
  needle?: string;
}

/** Lines that were skipped: counted, with the first few located, so the user can find them. */
export interface SkippedLines {
  count: number;
  examples: string[];
}

const MAX_EXAMPLES = 3;

export function noSkippedLines(): SkippedLines {
  return { count: 0, examples: [] };
}

/** Streams each file once, in order, calling the handlers for each call and feedback line. */
export async function scanCallLogs(
  files: readonly string[],
  root: string,
  handlers: ScanHandlers,
  skipped: SkippedLines = noSkippedLines(),
): Promise<SkippedLines> {
  for (const file of files) {
    const name = relative(root, file) || file;
    const skip = (lineNumber: number, reason: string) => {
      skipped.count++;
      if (skipped.examples.length < MAX_EXAMPLES) skipped.examples.push(`${name}:${lineNumber}: ${reason}`);
    };
    const visitor = {
      line(text: string, lineNumber: number) {
        if (text.trim() === "") return;
        const parsed = parseCallLogLine(text);
        if (parsed.kind === "call") handlers.call?.(parsed);
        else if (parsed.kind === "feedback") handlers.feedback?.(parsed);
        else skip(lineNumber, parsed.reason);
      },
      tooLong: (lineNumber: number) => skip(lineNumber, "line too long"),
    };
    await readLines(file, visitor, { needle: handlers.needle });
  }
  return skipped;
}
