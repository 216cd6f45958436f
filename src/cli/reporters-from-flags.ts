import { createReporters, parseReporterName } from "../reporters/create-reporters.js";
import type { Reporter } from "../reporters/reporter.js";

export interface ReporterFlags {
  cwd: string;
  reporter: string[];
  output: string | undefined;
  outputDir: string | undefined;
  /** --json: the JSON results on stdout. */
  json?: boolean;
  /** false with --no-progress. */
  progress?: boolean;
  junitStrict?: boolean;
}

/** The reporters named by --reporter/--output/--output-dir, writing to this process's streams. */
export function reportersFromFlags(flags: ReporterFlags, projectRoot: string): Reporter[] {
  // Flags are checked before any request: a typo in --reporter must not cost API calls.
  return createReporters(flags.reporter.map(parseReporterName), {
    ...(flags.output ? { output: flags.output } : {}),
    ...(flags.outputDir ? { outputDir: flags.outputDir } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    projectRoot,
    cwd: flags.cwd,
    ...(flags.json ? { jsonToStdout: true } : {}),
    ...(flags.progress === false ? { progress: false } : {}),
    ...(flags.junitStrict ? { junitStrict: true } : {}),
  });
}
