import type { CaseResult } from "../regression/results.js";
import {
  allowedNote,
  caseTitle,
  formatCancelled,
  isCancelled,
  isProblem,
  locationPath,
  problemMessages,
  shownStrings,
} from "./format-results.js";
import { toolCallsSummary } from "./format-tool-calls.js";
import { formatMarkdownSummary } from "./markdown-summary.js";
import type { ReportDestination, Reporter } from "./reporter.js";
import { workflowCommand } from "./workflow-command.js";
import { appendToFile, writeToStream } from "./write-report.js";

export interface GithubReporterOptions {
  stream: NodeJS.WriteStream;
  /** Which of stdout and stderr `stream` is, for ReporterOutput. */
  streamName: "stdout" | "stderr";
  env: NodeJS.ProcessEnv;
  projectRoot: string;
  cwd: string;
}

/**
 * Annotations point at files relative to the repository root, which is GITHUB_WORKSPACE in
 * Actions; the project may be a sub-folder of it.
 */
export function formatGithubAnnotations(
  results: readonly CaseResult[],
  paths: { projectRoot: string; from: string },
): string[] {
  const lines: string[] = [];
  for (const result of shownStrings(results)) {
    // Cases Ctrl-C or a cancelled job stopped are one warning below, not an error each.
    if (!isProblem(result) || isCancelled(result) || !result.location) continue;
    const file = locationPath(result.location.file, paths.projectRoot, paths.from);
    const outcome = result.status === "error" ? "error" : "failed";
    // An allow-fail test's failure does not fail the run: a warning, so the PR does not look red.
    const title = `promptops test ${outcome}${allowedNote(result)}: ${caseTitle(result)}`;
    const props = { file, line: result.location.line, title };
    const level = result.allowedFailure ? "warning" : "error";
    // What the model called explains a failure on a prompt with tools, whatever assertion failed.
    const calls = result.status === "fail" ? toolCallsSummary(result) : undefined;
    const message = [...problemMessages(result), ...(calls ? [calls] : [])].join("\n");
    lines.push(workflowCommand(level, props, message));
  }
  const cancelled = formatCancelled(results);
  if (cancelled) lines.push(workflowCommand("warning", { title: "promptops test stopped" }, cancelled));
  return lines;
}

export function createGithubReporter(options: GithubReporterOptions): Reporter {
  const from = options.env.GITHUB_WORKSPACE || options.cwd;
  const paths = { projectRoot: options.projectRoot, from };
  return {
    name: "github",
    async finish(results) {
      const written: ReportDestination[] = [];
      const annotations = formatGithubAnnotations(results.results, paths);
      if (annotations.length > 0) {
        writeToStream(options.stream, `${annotations.join("\n")}\n`);
        written.push({ kind: options.streamName });
      }
      const summaryFile = options.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) {
        const displayFile = (file: string) => locationPath(file, options.projectRoot, from);
        // Earlier commands of the step may have written to the file: start on a line of our own.
        appendToFile(summaryFile, `\n${formatMarkdownSummary(results, { displayFile })}`);
        written.push({ kind: "file", path: summaryFile, mode: "append" });
      }
      return { reporter: "github", written };
    },
  };
}
