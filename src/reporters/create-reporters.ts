import { resolve } from "node:path";
import { type ErrorCode, PromptOpsError } from "../errors.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import { createGithubReporter } from "./github-reporter.js";
import { createHtmlReporter } from "./html-reporter.js";
import { createJsonReporter } from "./json-reporter.js";
import { createJunitReporter } from "./junit-reporter.js";
import { createMarkdownReporter } from "./markdown-reporter.js";
import { createPrettyReporter } from "./pretty-reporter.js";
import { REPORTER_NAMES, type Reporter, type ReporterName } from "./reporter.js";
import type { ReportTarget } from "./write-report.js";

export interface ReporterOptions {
  /** --output (-o): the file of the one file-writing reporter; relative to cwd; `-` is stdout. */
  output?: string;
  /** --output-dir: the folder for every file-writing reporter's file; relative to cwd. */
  outputDir?: string;
  stdout: NodeJS.WriteStream;
  /** Where pretty and github go when a json, junit or markdown report takes stdout. */
  stderr?: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
  cwd: string;
  /** --json: the JSON results on stdout, whatever the other reporters do. */
  jsonToStdout?: boolean;
  /** --no-progress: see PrettyReporterOptions.progress. */
  progress?: boolean;
  /** --junit-strict: JUnit that the Jenkins and Surefire schemas accept (junit-reporter.ts). */
  junitStrict?: boolean;
}

type FileReporterName = "json" | "junit" | "markdown" | "html";

/** The names of the reports in --output-dir. */
export const REPORT_FILE_NAMES: Record<FileReporterName, string> = {
  json: "results.json",
  junit: "junit.xml",
  markdown: "report.md",
  html: "report.html",
};

const isFileReporter = (name: ReporterName): name is FileReporterName => name in REPORT_FILE_NAMES;

/** --reporter's value, checked: a usage error (exit 2) with a suggestion for a typo. */
export function parseReporterName(text: string): ReporterName {
  if ((REPORTER_NAMES as readonly string[]).includes(text)) return text as ReporterName;
  const guess = closestMatch(text, REPORTER_NAMES);
  return usageError("reporter-unknown", `unknown reporter "${text}"`, [
    guess ? `did you mean "${guess}"? ` : "",
    `reporters: ${REPORTER_NAMES.join(", ")}`,
  ]);
}

/**
 * The reporters for `promptops test`, with every usage problem found before the run starts, so a
 * bad flag never costs a run's worth of API calls. Names are de-duplicated; none means pretty.
 */
export function createReporters(names: readonly ReporterName[], options: ReporterOptions): Reporter[] {
  const named = options.jsonToStdout ? [...names, "json" as const] : names;
  const selected = [...new Set(named.length > 0 ? named : (["pretty"] as const))];
  // --json claims stdout for the JSON results; --output and --output-dir place the other reports.
  const placed = selected.filter(isFileReporter).filter((n) => !(options.jsonToStdout && n === "json"));
  const targets = planTargets(placed, options);
  if (options.jsonToStdout) targets.set("json", { kind: "stdout", stream: options.stdout });
  // stdout holds one machine-readable report; human output then moves aside so it stays parseable.
  const stdoutTaken = [...targets.values()].some((t) => t.kind === "stdout");
  const side = stdoutTaken
    ? { stream: options.stderr ?? process.stderr, streamName: "stderr" as const }
    : { stream: options.stdout, streamName: "stdout" as const };
  const shared = { ...side, env: options.env, projectRoot: options.projectRoot, cwd: options.cwd };

  const create: Record<ReporterName, () => Reporter> = {
    pretty: () =>
      createPrettyReporter({ ...shared, ...(options.progress === false ? { progress: false } : {}) }),
    github: () => createGithubReporter(shared),
    json: () => createJsonReporter(targets.get("json")!),
    junit: () => createJunitReporter(targets.get("junit")!, { strict: options.junitStrict === true }),
    markdown: () => createMarkdownReporter(targets.get("markdown")!),
    html: () => createHtmlReporter(targets.get("html")!),
  };
  return selected.map((name) => create[name]());
}

function planTargets(fileReporters: FileReporterName[], options: ReporterOptions) {
  const targets = new Map<FileReporterName, ReportTarget>();
  const list =
    fileReporters.length > 1
      ? `${fileReporters.slice(0, -1).join(", ")} and ${fileReporters.at(-1)}`
      : fileReporters.join("");
  if (options.output !== undefined && options.outputDir !== undefined) {
    usageError("output-conflict", "--output and --output-dir cannot be used together", [
      "--output names one report's file; --output-dir holds several",
    ]);
  }
  if (options.output !== undefined) {
    if (fileReporters.length !== 1) {
      usageError(
        "output-ambiguous",
        fileReporters.length === 0
          ? "--output names the file of a json, junit, markdown or html report, and none was selected"
          : `--output names the file of one report, but ${list} each write one`,
        fileReporters.length === 0
          ? ["add --reporter json (or junit, markdown)"]
          : [`use --output-dir <dir> for ${fileReporters.map((n) => REPORT_FILE_NAMES[n]).join(", ")}`],
      );
    }
    // `-o -`: stdout, as curl and tar read it.
    targets.set(
      fileReporters[0]!,
      options.output === "-"
        ? { kind: "stdout", stream: options.stdout }
        : { kind: "file", path: resolve(options.cwd, options.output) },
    );
  } else if (options.outputDir !== undefined) {
    if (fileReporters.length === 0) {
      usageError(
        "output-ambiguous",
        "--output-dir holds json, junit, markdown or html reports, and none was selected",
        ["add --reporter json (or junit, markdown)"],
      );
    }
    const dir = resolve(options.cwd, options.outputDir);
    for (const name of fileReporters)
      targets.set(name, { kind: "file", path: resolve(dir, REPORT_FILE_NAMES[name]) });
  } else if (fileReporters.length > 0) {
    if (fileReporters.length > 1) {
      usageError("output-ambiguous", `only one report can print to stdout, but ${list} were selected`, [
        `write them to files with --output-dir <dir> (${fileReporters.map((n) => REPORT_FILE_NAMES[n]).join(", ")})`,
      ]);
    }
    for (const name of fileReporters) targets.set(name, { kind: "stdout", stream: options.stdout });
  }
  return targets;
}

function usageError(code: ErrorCode, message: string, hint: string[]): never {
  throw new PromptOpsError(code, message, { hint: hint.join(""), exitCode: 2 });
}
