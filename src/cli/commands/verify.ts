import { verifyVersions } from "../../environments/verify-project.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export interface VerifyCommandOptions extends GlobalOptions {
  json: boolean;
}

export async function runVerify(options: VerifyCommandOptions): Promise<number> {
  const report = await verifyVersions(options.cwd);
  if (options.json) printJson({ ok: report.problems.length === 0, ...report });
  else {
    const c = colourFor(process.stdout);
    for (const problem of report.problems) {
      const who = problem.id ? `${problem.id}${problem.version ? ` v${problem.version}` : ""}` : problem.tag;
      process.stdout.write(`${c.red("error")}: ${who}: ${problem.message}\n`);
      if (problem.hint) process.stdout.write(`  hint: ${problem.hint}\n`);
    }
    for (const warning of report.warnings) process.stdout.write(`${c.yellow("warning")}: ${warning}\n`);
    if (report.warning) process.stdout.write(`${c.yellow("warning")}: ${report.warning}\n`);
    const summary = `${report.versionsChecked} version${report.versionsChecked === 1 ? "" : "s"} checked: ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}`;
    process.stdout.write(`${report.problems.length ? c.red(summary) : c.green(summary)}\n`);
  }
  return report.problems.length > 0 ? 1 : 0;
}
