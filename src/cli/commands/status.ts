import { promptStatus } from "../../versions/status.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export interface StatusCommandOptions extends GlobalOptions {
  json: boolean;
}

export async function runStatus(options: StatusCommandOptions): Promise<number> {
  const report = await promptStatus(options.cwd);
  if (options.json) {
    printJson(report);
    return 0;
  }
  const c = colourFor(process.stdout);
  const paint = { new: c.cyan, changed: c.yellow, unchanged: c.dim, invalid: c.red, deleted: c.magenta };
  const width = Math.max(6, ...report.prompts.map((p) => p.id.length));
  const envWidths = report.environments.map((env) => Math.max(env.length, 4));
  const envHeader = report.environments.map((env, i) => env.toUpperCase().padEnd(envWidths[i]!)).join("  ");
  const lines = [`${"PROMPT".padEnd(width)}  LATEST  DRAFT      ${envHeader}`.trimEnd()];
  for (const p of report.prompts) {
    const latest = p.latest ? `v${p.latest.version}` : "-";
    const active = report.environments
      .map((env, i) => (p.active[env] ? `v${p.active[env]}` : "-").padEnd(envWidths[i]!))
      .join("  ");
    lines.push(
      `${p.id.padEnd(width)}  ${latest.padEnd(6)}  ${paint[p.draft](p.draft.padEnd(9))}  ${active}`.trimEnd(),
    );
  }
  if (report.lockfileProblem) lines.push(c.yellow(`warning: ${report.lockfileProblem}`));
  if (report.prompts.length === 0) lines.push("(no prompts)");
  for (const problem of report.tagProblems) lines.push(c.yellow(`warning: ${problem.message}`));
  if (report.shallow)
    lines.push(c.yellow("warning: shallow clone: versions may be missing (git fetch --unshallow --tags)"));
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
