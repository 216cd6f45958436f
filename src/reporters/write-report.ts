import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PromptOpsError } from "../errors.js";
import { redactSecrets } from "../redact-secrets.js";
import type { ReportDestination, ReporterName, ReporterOutput } from "./reporter.js";

/** Where a single-document reporter (json, junit, markdown) sends its report. */
export type ReportTarget = { kind: "stdout"; stream: NodeJS.WriteStream } | { kind: "file"; path: string };

/**
 * Temp file in the same folder, then rename: a reader (or a CI upload step after Ctrl-C) never
 * sees half a report, and a failed write leaves the previous report in place.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, redactSecrets(text));
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
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
  writeFileAtomic(target.path, text);
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

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // The write failed already; that is the error worth reporting.
  }
}
