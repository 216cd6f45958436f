import { resolve } from "node:path";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { mergeResultFiles } from "../../reporters/merge-results.js";
import { printConsoleSummary } from "../console-summary.js";
import type { GlobalOptions } from "../main.js";
import { reportersFromFlags } from "../reporters-from-flags.js";

export interface ReportMergeOptions extends GlobalOptions {
  files: string[];
  reporter: string[];
  output: string | undefined;
  outputDir: string | undefined;
  json: boolean;
  junitStrict: boolean;
  /** Merge a set with a shard missing or repeated. */
  allowPartial: boolean;
}

/** `promptops report merge`: one report from the JSON results of several shards. */
export async function runReportMerge(options: ReportMergeOptions): Promise<number> {
  const config = loadConfigOrThrow(options.cwd);
  const reporters = reportersFromFlags(options, config.root);
  const merged = await mergeResultFiles(
    options.files.map((file) => resolve(options.cwd, file)),
    { allowPartial: options.allowPartial },
  );
  const outputs = [];
  for (const reporter of reporters) outputs.push(await reporter.finish(merged));
  printConsoleSummary(reporters, merged, outputs, { projectRoot: config.root, cwd: options.cwd });
  return merged.summary.failed > 0 || merged.summary.errors > 0 ? 1 : 0;
}
