import { validateProject } from "../../prompt/validate-project.js";
import { noPromptFilesError } from "../empty-run-exit.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayPath, formatDiagnostic, formatGithubAnnotation, printJson } from "../output.js";

export interface ValidateCommandOptions extends GlobalOptions {
  paths: string[];
  json: boolean;
  format: "text" | "github";
}

export async function runValidate(options: ValidateCommandOptions): Promise<number> {
  const report = await validateProject({ cwd: options.cwd, paths: options.paths });
  // "0 prompts checked: 0 errors" would pass a CI job that runs in the wrong folder.
  if (report.promptsChecked === 0 && report.errors === 0)
    throw noPromptFilesError(report.promptsDir, options.cwd, "validate");
  if (options.json) {
    printJson({
      ok: report.errors === 0,
      promptsChecked: report.promptsChecked,
      errors: report.errors,
      warnings: report.warnings,
      diagnostics: report.diagnostics.map((d) => ({ ...d, file: displayPath(d.file) })),
    });
  } else if (options.format === "github") {
    for (const d of report.diagnostics) process.stdout.write(`${formatGithubAnnotation(d)}\n`);
  } else {
    const c = colourFor(process.stdout);
    for (const d of report.diagnostics) process.stdout.write(`${formatDiagnostic(d, c)}\n`);
    const counts = `${report.errors} error${report.errors === 1 ? "" : "s"}, ${report.warnings} warning${report.warnings === 1 ? "" : "s"}`;
    const checked = `${report.promptsChecked} prompt${report.promptsChecked === 1 ? "" : "s"} checked`;
    const summary = `${checked}: ${counts}`;
    process.stdout.write(`${report.errors > 0 ? c.red(summary) : c.green(summary)}\n`);
  }
  return report.errors > 0 ? 1 : 0;
}
