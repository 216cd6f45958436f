import type { CaseResult } from "../regression/results.js";
import { colourFor } from "./colour.js";
import { formatBaselineSection } from "./format-baseline.js";
import { formatMatrixLines } from "./format-matrix.js";
import { isCancelled, locationPath, shownStrings } from "./format-results.js";
import { formatCaseLine, formatFailures, formatProgressLine, formatSummaryLine } from "./pretty-format.js";
import type { Reporter, RunProgress } from "./reporter.js";
import { writeToStream } from "./write-report.js";

export interface PrettyReporterOptions {
  stream: NodeJS.WriteStream;
  /** Which of stdout and stderr `stream` is, for ReporterOutput. */
  streamName: "stdout" | "stderr";
  env: NodeJS.ProcessEnv;
  projectRoot: string;
  cwd: string;
  /** Clock for the elapsed time; injectable for tests. */
  now?: () => number;
  /**
   * --no-progress: no progress bar on a terminal and no line per passing case in logs; failures
   * still show as they happen, and the summary at the end.
   */
  progress?: boolean;
}

/** At most ~10 redraws a second: a fast cached run must not spend its time repainting. */
const REDRAW_INTERVAL_MS = 100;
const CLEAR_LINE = "\r\u001b[2K";

/** A live progress line on a terminal; one plain line per case in CI and in logs. */
export function isLiveTerminal(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
  return stream.isTTY === true && !ci && env.TERM !== "dumb";
}

export function createPrettyReporter(options: PrettyReporterOptions): Reporter {
  const { stream, env } = options;
  const c = colourFor(stream, env);
  const now = options.now ?? Date.now;
  const started = now();
  const progressShown = options.progress !== false;
  const live = progressShown && isLiveTerminal(stream, env);
  // How often each case (prompt, version, provider, test) was printed, so finish can print any the
  // runner never reported.
  const printed = new Map<string, number>();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let pending: RunProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lineShown = false;

  const write = (text: string) => writeToStream(stream, text);
  const draw = (progress: RunProgress) => {
    write(`${CLEAR_LINE}${fitWidth(formatProgressLine(progress, now() - started, c), stream.columns)}`);
    lineShown = true;
    lastDraw = now();
    pending = undefined;
  };
  const clearLine = () => {
    if (lineShown) write(CLEAR_LINE);
    lineShown = false;
  };
  /** `safe`: already passed through shownStrings. */
  const printCase = (safe: CaseResult) => {
    const key = caseKey(safe);
    printed.set(key, (printed.get(key) ?? 0) + 1);
    write(`${formatCaseLine(safe, c)}\n`);
  };

  return {
    name: "pretty",
    onCaseFinished(result, progress) {
      // Ctrl-C's cancelled cases get one line at the end, not one each (formatFailures).
      if (isCancelled(result)) return;
      if (!progressShown) return result.status === "pass" ? undefined : printCase(shownStrings(result));
      if (!live) return printCase(shownStrings(result));
      // Failures are worth seeing as they happen: print them above the progress line.
      if (result.status !== "pass") {
        clearLine();
        printCase(shownStrings(result));
      }
      if (
        result.status !== "pass" ||
        progress.done >= progress.total ||
        now() - lastDraw >= REDRAW_INTERVAL_MS
      ) {
        draw(progress);
      } else {
        pending = progress;
        timer ??= setTimeout(() => {
          timer = undefined;
          if (pending) draw(pending);
        }, REDRAW_INTERVAL_MS).unref();
      }
    },
    async finish(results) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      clearLine();
      const safe = shownStrings(results);
      // Every case appears: in plain mode those the runner did not report as they finished.
      for (const result of live || !progressShown ? [] : safe.results) {
        if (isCancelled(result)) continue;
        const key = caseKey(result);
        const seen = printed.get(key) ?? 0;
        if (seen > 0) printed.set(key, seen - 1);
        else printCase(result);
      }
      const displayFile = (file: string) => locationPath(file, options.projectRoot, options.cwd);
      const failures = formatFailures(safe, c, displayFile);
      const baseline = formatBaselineSection(safe, c, displayFile, stream.columns);
      const matrix = formatMatrixLines(safe.results).map((line) => `${c.dim(line)}\n`);
      write(
        `${failures ? `\n${failures}` : ""}${baseline ? `\n${baseline}` : ""}\n${matrix.join("")}${formatSummaryLine(safe, c)}`,
      );
      return { reporter: "pretty", written: [{ kind: options.streamName }] };
    },
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR colour sequences
const SGR = /\u001b\[[0-9;]*m/g;

/** A line wider than the terminal wraps, and \r would then redraw only its last row. */
function fitWidth(line: string, columns: number | undefined): string {
  if (!columns) return line;
  const plain = line.replace(SGR, "");
  return plain.length < columns ? line : plain.slice(0, Math.max(0, columns - 1));
}

function caseKey(result: CaseResult): string {
  return JSON.stringify([result.prompt, result.version, result.provider, result.test]);
}
