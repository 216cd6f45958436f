import { relative, sep } from "node:path";
import { CatFileBatch, fileHistory, type HistoryCommit } from "../git/index.js";
import type { LockfileEntry } from "../lockfile/lockfile.js";
import type { GitProject } from "../versions/git-project.js";

/** One point in the history of `promptops.lock` where a prompt's entry in an environment changed. */
export interface ActivationEvent {
  /** The version that became active; null when the entry was removed. */
  version: number | null;
  entry: LockfileEntry | null;
  commit: HistoryCommit;
}

/** The entries of promptops.lock as one commit left them. */
export interface LockfileSnapshot {
  commit: HistoryCommit;
  environments: Record<string, Record<string, LockfileEntry>>;
}

/**
 * The lockfile as it was at every commit that changed it: one `git log` and one
 * `cat-file --batch`, however long the history. Versions that do not parse are skipped: a
 * broken commit of the lockfile is not an activation.
 */
export async function lockfileHistory(
  project: GitProject,
  lockfilePath: string,
): Promise<LockfileSnapshot[]> {
  const path = relative(project.repoRoot, lockfilePath).split(sep).join("/");
  const commits = await fileHistory(project.repoRoot, path);
  const batch = new CatFileBatch(project.repoRoot);
  try {
    const blobs = await Promise.all(commits.map((c) => batch.read(`${c.sha}:${path}`)));
    return commits.flatMap((commit, i) => {
      const blob = blobs[i];
      if (!blob) return [{ commit, environments: {} }];
      try {
        const parsed = JSON.parse(blob.content.toString("utf8")) as {
          environments?: Record<string, Record<string, LockfileEntry>>;
        };
        return [{ commit, environments: parsed.environments ?? {} }];
      } catch {
        return [];
      }
    });
  } finally {
    await batch.close();
  }
}

/** The changes of one prompt's entry in one environment, oldest first. */
export function activationTimeline(history: LockfileSnapshot[], env: string, id: string): ActivationEvent[] {
  const events: ActivationEvent[] = [];
  let current: LockfileEntry | null = null;
  for (const snapshot of history) {
    const entry = snapshot.environments[env]?.[id] ?? null;
    const changed =
      (entry === null) !== (current === null) ||
      (entry !== null &&
        current !== null &&
        (entry.version !== current.version || entry.activatedAt !== current.activatedAt));
    if (changed) events.push({ version: entry?.version ?? null, entry, commit: snapshot.commit });
    current = entry;
  }
  return events;
}
