import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { DRIFT_DEFAULTS, type DriftReport, detectDrift } from "../../observe/drift.js";
import { parseSince } from "../../observe/since.js";
import { shownStrings } from "../../reporters/format-results.js";
import { oneLine } from "../../text/truncate.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";
import { skippedRunsNote } from "../skipped-runs-note.js";

export interface DriftCommandOptions extends GlobalOptions {
  ids: string[];
  since: string | undefined;
  minSimilarity: string | undefined;
  maxPassRateChange: string | undefined;
  json: boolean;
}

function fraction(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new PromptOpsError("bad-flag", `${flag} ${value}: not a number from 0 to 1`, {
      hint: `e.g. ${flag} ${fallback} (the default)`,
    });
  }
  return n;
}

export async function runDrift(options: DriftCommandOptions): Promise<number> {
  const minSimilarity = fraction("--min-similarity", options.minSimilarity, DRIFT_DEFAULTS.minSimilarity);
  const maxPassRateChange = fraction(
    "--max-pass-rate-change",
    options.maxPassRateChange,
    DRIFT_DEFAULTS.maxPassRateChange,
  );
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const config = loadConfigOrThrow(options.cwd);
  const report = await detectDrift(config, { ids: options.ids, since, minSimilarity, maxPassRateChange });
  const runsNote = skippedRunsNote(report.skippedRuns);
  if (runsNote) process.stderr.write(`${runsNote}\n`);
  if (options.json) printJson({ ...report, thresholds: { minSimilarity, maxPassRateChange } });
  else process.stdout.write(`${formatDrift(report, minSimilarity)}\n`);
  return report.drifted > 0 ? 1 : 0;
}

function formatDrift(report: DriftReport, minSimilarity: number): string {
  const c = colourFor(process.stdout);
  if (report.newestRun === null)
    return "no recorded test runs in .promptops/runs/ (run `promptops test` first)";
  const lines: string[] = [];
  for (const moved of shownStrings(report.cases.filter((d) => d.moved.length > 0))) {
    const version = typeof moved.version === "number" ? `v${moved.version}` : moved.version;
    lines.push(
      c.red(
        `✗ ${moved.prompt} ${version} › ${moved.test} [${moved.provider}]: ${moved.moved.join(", ")} moved`,
      ),
    );
    if (moved.moved.includes("pass-rate")) {
      lines.push(
        `    pass rate ${pct(moved.passRate.before)} over ${moved.earlierRuns} earlier run(s), now ${pct(moved.passRate.now)}`,
      );
    }
    if (moved.moved.includes("output")) {
      lines.push(`    similarity ${moved.similarity.toFixed(2)} < ${minSimilarity} to every earlier output`);
      lines.push(`    before: ${oneLine(moved.previousOutput, 200)}`);
      lines.push(`    now:    ${oneLine(moved.output, 200)}`);
    }
  }
  const steady = report.cases.length - report.drifted;
  const extra = [
    report.withoutHistory > 0 ? `${report.withoutHistory} without earlier runs` : "",
    report.skipped.errors > 0 ? `${report.skipped.errors} errored (not compared)` : "",
    report.skipped.cached > 0 ? `${report.skipped.cached} cached (not compared: run with --no-cache)` : "",
  ].filter(Boolean);
  const summary = `${report.drifted} case(s) drifted, ${steady} steady${extra.length > 0 ? `, ${extra.join(", ")}` : ""} (newest run ${report.newestRun})`;
  lines.push(report.drifted > 0 ? c.red(summary) : c.green(summary));
  return lines.join("\n");
}

const pct = (value: number) => `${Math.round(value * 100)}%`;
