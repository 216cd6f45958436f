import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PromptOpsError } from "../errors.js";
import { isSpecialFile, writeFileAtomicSync } from "../fs/write-file-atomic.js";
import { redactSecrets } from "../redact-secrets.js";
import type { ReportDestination, ReporterName, ReporterOutput } from "./reporter.js";

/** Where a single-document reporter (json, junit, markdown) sends its report. */
export type ReportTarget = { kind: "stdout"; stream: NodeJS.WriteStream } | { kind: "file"; path: string };

/**
 * Whole or not at all: a reader (or a CI upload step after Ctrl-C) never sees half a report, and
 * a failed write leaves the previous report in place.
 */
function writeReportFile(path: string, text: string): void {
  try {
    // `-o /dev/null`, `-o /dev/stderr` or a named pipe: written into, as a shell redirect would.
    if (isSpecialFile(path)) writeFileSync(path, redactSecrets(text));
    else writeFileAtomicSync(path, redactSecrets(text));
  } catch (error) {
    throw writeFailed(path, error);
  }
}

/** For files other tools also append to, such as $GITHUB_STEP_SUMMARY. */
export function appendToFile(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, redactSecrets(text));
  } catch (error) {
    throw writeFailed(path, error);
  }
}

export function writeToStream(stream: NodeJS.WriteStream, text: string): void {
  stream.write(redactSecrets(text));
}

export function deliverReport(reporter: ReporterName, target: ReportTarget, text: string): ReporterOutput {
  if (target.kind === "stdout") {
    writeToStream(target.stream, text);
    return { reporter, written: [{ kind: "stdout" }] };
  }
  writeReportFile(target.path, text);
  const written: ReportDestination = { kind: "file", path: target.path, mode: "write" };
  return { reporter, written: [written] };
}

function writeFailed(path: string, error: unknown): PromptOpsError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new PromptOpsError("report-write-failed", redactSecrets(`cannot write report ${path}: ${reason}`), {
    hint: "check that the folder exists or can be created and that you may write to it",
    exitCode: 2,
    cause: error,
  });
}
