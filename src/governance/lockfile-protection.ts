import type { CatFileBatch } from "../git/index.js";
import type { Lockfile } from "../lockfile/lockfile.js";
import type { GitProject } from "../versions/git-project.js";
import type { VersionIndex } from "../versions/version-index.js";
import { type ProtectionTarget, protectionVerdicts } from "./check-protection.js";

export interface ProtectionProblem {
  env: string;
  id: string;
  version: number;
  message: string;
  hint: string;
}

/**
 * For `verify` and `lock --check`: every entry of a protected environment must have its records,
 * so a pull request that hand-edits promptops.lock cannot skip them. Entries whose version or
 * hash does not match a tag are left to the lockfile's own checks, which already fail them.
 */
export async function lockfileProtectionProblems(
  project: GitProject,
  index: VersionIndex,
  lockfile: Lockfile,
  batch: CatFileBatch,
): Promise<{ problems: ProtectionProblem[]; warnings: string[] }> {
  const targets: ProtectionTarget[] = [];
  for (const env of Object.keys(project.config.protectedEnvironments)) {
    for (const [id, entry] of Object.entries(lockfile.environments[env] ?? {})) {
      const version = index.byId.get(id)?.find((v) => v.version === entry.version);
      if (version && version.hash === entry.hash) targets.push({ env, version });
    }
  }
  const { verdicts, warnings } = await protectionVerdicts(project, targets, batch);
  const problems = verdicts
    .filter((v) => v.missing.length > 0)
    .map((v) => ({
      env: v.env,
      id: v.id,
      version: v.version,
      message: `${v.env}/${v.id}: v${v.version} is active in a protected environment without ${v.missing.join(" and ")}`,
      hint: `provide it with: ${v.commands.join(" ; ")} (CI fetches records with: git fetch origin refs/notes/promptops:refs/notes/promptops)`,
    }));
  return { problems, warnings };
}
