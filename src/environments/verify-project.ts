import { openGitProject, SHALLOW_HINT } from "../versions/git-project.js";
import { type VerifyProblem, verifyTags } from "../versions/verify-tags.js";
import { readVersionIndex } from "../versions/version-index.js";
import { lockProject } from "./lock-project.js";

export interface VerifyReport {
  versionsChecked: number;
  problems: VerifyProblem[];
  /** Said when the clone is shallow: a missing commit may be history not fetched, not tampering. */
  warning?: string;
  /** Governance notes that could not be used (unparseable, wrong hash): ignored, never counted. */
  warnings: string[];
}

/** Every prompt tag (see verifyTags), then the lockfile's pointers, from one read of the tags. */
export async function verifyVersions(cwd: string): Promise<VerifyReport> {
  const project = await openGitProject(cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const { versionsChecked, problems } = await verifyTags(project, index);
  // The lockfile's pointers too: each must name a version whose tag has not moved since activation.
  const lock = await lockProject({ cwd, check: true, project, index });
  for (const problem of lock.problems) problems.push({ tag: "promptops.lock", ...problem });
  return {
    versionsChecked,
    problems,
    warnings: lock.warnings,
    ...(project.shallow ? { warning: SHALLOW_HINT } : {}),
  };
}
