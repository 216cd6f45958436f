import { checkEnvironment } from "../config/check-environment.js";
import { PromptOpsError } from "../errors.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import { openGitProject } from "../versions/git-project.js";
import { type ActivationEvent, activationTimeline, lockfileHistory } from "./lockfile-history.js";

export interface AuditReport {
  id: string;
  env: string;
  /** Every change of the prompt's pointer in the environment, oldest first, from committed lockfiles. */
  timeline: ActivationEvent[];
  /** With `at`: the change in force at that time (null when nothing was active yet). */
  activeAt?: { at: string; event: ActivationEvent | null };
}

/** "Which version was active at 3 AM": answered from the git history of promptops.lock. */
export async function auditActivation(options: {
  cwd: string;
  id: string;
  env: string;
  at?: string;
}): Promise<AuditReport> {
  const project = await openGitProject(options.cwd);
  checkEnvironment(project, options.env);
  let at: number | undefined;
  if (options.at !== undefined) {
    at = Date.parse(options.at);
    if (Number.isNaN(at)) {
      throw new PromptOpsError("bad-time", `--at "${options.at}" is not a date and time`, {
        exitCode: 2,
        hint: "use ISO 8601, e.g. 2026-11-20T03:00:00Z",
      });
    }
  }
  const timeline = activationTimeline(
    await lockfileHistory(project, lockfilePathOf(project)),
    options.env,
    options.id,
  );
  const report: AuditReport = { id: options.id, env: options.env, timeline };
  if (at !== undefined) {
    const event = timeline.findLast((e) => Date.parse(e.commit.date) <= at!) ?? null;
    report.activeAt = { at: new Date(at).toISOString(), event };
  }
  return report;
}
