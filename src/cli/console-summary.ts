import type { RunResults } from "../regression/results.js";
import { formatConsoleSummary } from "../reporters/console-summary.js";
import type { Reporter, ReporterOutput } from "../reporters/reporter.js";
import { colourFor } from "./output.js";

const CONSOLE_REPORTERS = new Set(["pretty", "github"]);

/**
 * With no pretty reporter, the failures and one summary line still reach the console: on stdout,
 * or on stderr when a report took stdout (so that `--json | jq` still parses).
 */
export function printConsoleSummary(
  reporters: readonly Reporter[],
  results: RunResults,
  outputs: readonly ReporterOutput[],
  paths: { projectRoot: string; cwd: string },
): void {
  if (reporters.some((r) => r.name === "pretty")) return;
  const stdoutTaken = outputs.some(
    (o) => !CONSOLE_REPORTERS.has(o.reporter) && o.written.some((w) => w.kind === "stdout"),
  );
  const stream = stdoutTaken ? process.stderr : process.stdout;
  stream.write(formatConsoleSummary(results, outputs, colourFor(stream), paths));
}
