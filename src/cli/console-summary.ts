import type { RunResults } from "../regression/results.js";
import { formatConsoleSummary } from "../reporters/console-summary.js";
import type { Reporter, ReporterOutput } from "../reporters/reporter.js";
import { colourFor } from "./output.js";

const CONSOLE_REPORTERS = new Set(["pretty", "github"]);

/**
 * With no pretty reporter and every report in a file, the failures and one summary line still reach
 * the console. When a report prints on stdout (`--json`, `-o -`), that report is the output: a
 * pipe (`| jq`) gets it alone, and stderr stays quiet as before.
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
  if (stdoutTaken) return;
  process.stdout.write(formatConsoleSummary(results, outputs, colourFor(process.stdout), paths));
}
