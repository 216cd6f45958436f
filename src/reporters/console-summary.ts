import { relative } from "node:path";
import type { ChalkInstance } from "chalk";
import type { RunResults } from "../regression/results.js";
import { formatRunCounts, hasBlockingProblem, locationPath, shownStrings } from "./format-results.js";
import { formatFailures } from "./pretty-format.js";
import type { ReporterOutput } from "./reporter.js";

/**
 * What the console shows when only file reports were asked for (`--reporter junit -o junit.xml`):
 * the failures, then one line with the counts and where the reports went. A CI log that ends in
 * exit 1 with nothing printed sends people digging through artifacts.
 */
export function formatConsoleSummary(
  results: RunResults,
  outputs: readonly ReporterOutput[],
  c: ChalkInstance,
  paths: { projectRoot: string; cwd: string },
): string {
  const places = outputs.flatMap((o) =>
    o.written.map((w) => (w.kind === "file" ? relative(paths.cwd, w.path) || w.path : w.kind)),
  );
  const counts = formatRunCounts(results.summary, results.results);
  const coloured = hasBlockingProblem(results.results) ? c.red(counts) : c.green(counts);
  const where = places.length > 0 ? c.dim(` · ${[...new Set(places)].join(", ")}`) : "";
  const failures = formatFailures(shownStrings(results), c, (file) =>
    locationPath(file, paths.projectRoot, paths.cwd),
  );
  return `${failures ? `${failures}\n` : ""}${c.bold(coloured)}${where}\n`;
}
