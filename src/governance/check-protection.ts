import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import type { GitProject } from "../versions/git-project.js";
import type { PublishedVersion } from "../versions/version-index.js";
import { describeVerdict, judgeProtection, type ProtectionVerdict } from "./protection.js";
import { ownersAtVersion, type RecordStore, readRecordStore, recordsForVersion } from "./read-records.js";

export interface ProtectionTarget {
  env: string;
  version: PublishedVersion;
}

/**
 * The verdict for every target whose environment is protected. Notes are read only when one
 * is, and then with a constant number of git processes (one notes list, one cat-file batch).
 */
export async function protectionVerdicts(
  project: GitProject,
  targets: ProtectionTarget[],
  batch?: CatFileBatch,
): Promise<{ verdicts: ProtectionVerdict[]; warnings: string[] }> {
  const guarded = targets.filter((t) => project.config.protectedEnvironments[t.env]);
  if (guarded.length === 0) return { verdicts: [], warnings: [] };
  const own = batch ?? new CatFileBatch(project.repoRoot);
  try {
    const store: RecordStore = await readRecordStore(project, own);
    const warnings = [...store.warnings];
    const verdicts = await Promise.all(
      guarded.map(async ({ env, version }) =>
        judgeProtection({
          env,
          rule: project.config.protectedEnvironments[env]!,
          version,
          records: recordsForVersion(store, version, warnings),
          owners: await ownersAtVersion(own, project, version),
          handles: project.config.owners,
        }),
      ),
    );
    return { verdicts, warnings: [...new Set(warnings)] };
  } finally {
    if (!batch) await own.close();
  }
}

/** For activate, promote and rollback: refuse, before anything is written, what a protected environment lacks. */
export async function requireProtection(project: GitProject, targets: ProtectionTarget[]): Promise<void> {
  const { verdicts, warnings } = await protectionVerdicts(project, targets);
  const unmet = verdicts.filter((v) => v.missing.length > 0);
  if (unmet.length === 0) return;
  const lines = unmet.map(describeVerdict);
  const commands = [...new Set(unmet.flatMap((v) => v.commands))];
  const fetchFirst = "git fetch origin refs/notes/promptops:refs/notes/promptops";
  throw new PromptOpsError("protection-unmet", lines.join("; "), {
    exitCode: 1,
    hint: [
      `provide it with: ${commands.join(" ; ")}`,
      `records made elsewhere are fetched with: ${fetchFirst}`,
      ...warnings.map((w) => `warning: ${w}`),
    ].join("\n  "),
  });
}
