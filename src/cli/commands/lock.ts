import { auditActivation } from "../../environments/audit.js";
import { lockProject } from "../../environments/lock-project.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayPath, printJson } from "../output.js";
import { signatureNote } from "../signature-note.js";

export async function runLock(
  options: GlobalOptions & { check: boolean; sign?: string; json: boolean },
): Promise<number> {
  const report = await lockProject({ cwd: options.cwd, check: options.check, sign: options.sign });
  const failed = report.problems.length > 0 || (options.check && report.stale);
  if (options.json) {
    printJson({ ok: !failed, ...report, file: displayPath(report.file) });
    return failed ? 1 : 0;
  }
  const c = colourFor(process.stdout);
  const file = displayPath(report.file);
  for (const problem of report.problems) {
    process.stdout.write(`${c.red("error")}: ${file}: ${problem.message}\n`);
    if (problem.hint) process.stdout.write(`  hint: ${problem.hint}\n`);
  }
  for (const warning of report.warnings) process.stdout.write(`${c.yellow("warning")}: ${warning}\n`);
  for (const repair of report.repaired)
    process.stdout.write(`${c.yellow("repaired")}: ${file}: ${repair.message}\n`);
  if (!report.exists) process.stdout.write(`${file} does not exist yet: nothing is active anywhere\n`);
  else if (options.check) {
    if (report.stale && report.problems.length === 0) {
      process.stdout.write(
        `${c.red("error")}: ${file} is stale or was edited by hand; run \`promptops lock\`\n`,
      );
    }
    if (!failed) process.stdout.write(c.green(`${file} is up to date\n`));
  } else if (report.written) process.stdout.write(`rewrote ${file} from the tags\n`);
  else if (!failed) process.stdout.write(`${file} is up to date\n`);
  const note = options.check ? undefined : signatureNote(report);
  if (note) process.stdout.write(`${note}\n`);
  return failed ? 1 : 0;
}

export async function runAudit(
  options: GlobalOptions & { id: string; env: string; at?: string; json: boolean },
): Promise<number> {
  const report = await auditActivation(options);
  if (options.json) {
    printJson(report);
    return 0;
  }
  const line = (event: (typeof report.timeline)[number]) =>
    `${event.version === null ? "removed" : `v${event.version}`}  ${event.commit.date}  ${event.commit.sha.slice(0, 7)}  ${event.commit.author}  ${event.commit.subject}`;
  if (report.activeAt) {
    const { at, event } = report.activeAt;
    process.stdout.write(
      event?.version != null
        ? `${report.id} in ${report.env} at ${at}: v${event.version}\n  made active by ${line(event)}\n`
        : `${report.id} was not active in ${report.env} at ${at}\n`,
    );
    return 0;
  }
  if (report.timeline.length === 0)
    process.stdout.write(`${report.id} has never been active in ${report.env} in a committed lockfile\n`);
  for (const event of report.timeline) process.stdout.write(`${line(event)}\n`);
  return 0;
}
