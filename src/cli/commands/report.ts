import { resolve } from "node:path";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { createReporters, parseReporterName } from "../../reporters/create-reporters.js";
import { mergeResultFiles } from "../../reporters/merge-results.js";
import type { GlobalOptions } from "../main.js";

export interface ReportMergeOptions extends GlobalOptions {
  files: string[];
  reporter: string[];
  output: string | undefined;
  outputDir: string | undefined;
}

/** `promptops report merge`: one report from the JSON results of several shards. */
export async function runReportMerge(options: ReportMergeOptions): Promise<number> {
  const config = loadConfigOrThrow(options.cwd);
  const reporters = createReporters(
    options.reporter.length > 0 ? options.reporter.map(parseReporterName) : ["pretty"],
    {
      ...(options.output ? { output: options.output } : {}),
      ...(options.outputDir ? { outputDir: options.outputDir } : {}),
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      projectRoot: config.root,
      cwd: options.cwd,
    },
  );
  const merged = await mergeResultFiles(options.files.map((file) => resolve(options.cwd, file)));
  for (const reporter of reporters) await reporter.finish(merged);
  return merged.summary.failed > 0 || merged.summary.errors > 0 ? 1 : 0;
}
