import { relative, sep } from "node:path";
import { CatFileBatch, fileHistory, type HistoryCommit } from "../git/index.js";
import type { LockfileEntry } from "../lockfile/lockfile.js";
import type { GitProject } from "../versions/git-project.js";
import { type Environments, type LockfileStep, LockfileTracker } from "./lockfile-tracker.js";

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
  environments: Environments;
}

/** Which commits to read: from the last one before `from` (what was active then) to `to`, in ms. */
export interface HistoryWindow {
  from?: number | null;
  to?: number | null;
}

/**
 * Called for each version of the lockfile, oldest first. `environments` is that version's, valid
 * only during the call (it changes in place afterwards); `step` says what changed since the last.
 */
export type VisitVersion = (commit: HistoryCommit, environments: Environments, step: LockfileStep) => void;

// How many blobs are requested ahead of the one being read: enough to keep git busy, few enough
// that a long history of a 1 MB lockfile is never all in memory at once.
const WINDOW = 16;

/**
 * Every version of promptops.lock at the commits that changed it, oldest first, each read from the
 * one before (LockfileTracker): one `git log` and one `cat-file --batch` however long the history.
 * Versions that do not parse are skipped: a broken commit of the lockfile is not an activation.
 */
export async function readLockfileHistory(
  project: GitProject,
  lockfilePath: string,
  window: HistoryWindow,
  visit: VisitVersion,
): Promise<void> {
  const path = relative(project.repoRoot, lockfilePath).split(sep).join("/");
  const commits = clip(await fileHistory(project.repoRoot, path), window);
  const memory = new ReusedMemory();
  const batch = new CatFileBatch(project.repoRoot, { allocate: memory.allocate });
  const tracker = new LockfileTracker();
  try {
    const reads = new Map<number, ReturnType<CatFileBatch["read"]>>();
    let retained: Buffer | null = null;
    for (let i = 0; i < commits.length; i++) {
      for (let ahead = i; ahead < Math.min(i + WINDOW, commits.length); ahead++)
        if (!reads.has(ahead)) reads.set(ahead, batch.read(`${commits[ahead]!.sha}:${path}`));
      const blob = await reads.get(i)!;
      reads.delete(i);
      const step = tracker.next(blob?.content ?? null);
      if (step) visit(commits[i]!, tracker.environments, step);
      // Nothing else holds a blob once read (parsing copies what it keeps): what the tracker let go
      // of is reused for the next ones.
      const before: Buffer | null = retained;
      retained = tracker.retained;
      if (before && before !== retained) memory.release(before);
      if (blob && blob.content !== retained) memory.release(blob.content);
    }
  } finally {
    await batch.close();
  }
}

/**
 * Memory for blobs that are read one after another and let go of in turn: a few blocks, used
 * again and again, rather than a new Buffer for each version (2,000 versions of a 1 MB lockfile
 * otherwise make V8 run a full GC every few megabytes, which cost more than reading them).
 */
class ReusedMemory {
  #free: ArrayBuffer[] = [];

  readonly allocate = (size: number): Buffer => {
    const index = this.#free.findIndex((block) => block.byteLength >= size);
    // A quarter to spare, so a lockfile that grows a little still fits in the same blocks.
    const block = index >= 0 ? this.#free.splice(index, 1)[0]! : new ArrayBuffer(size + (size >> 2));
    return Buffer.from(block, 0, size);
  };

  release(buffer: Buffer): void {
    if (buffer.byteOffset !== 0 || this.#free.length >= WINDOW) return;
    this.#free.push(buffer.buffer as ArrayBuffer);
  }
}

/** The lockfile as it was at every commit that changed it (see readLockfileHistory). */
export async function lockfileHistory(
  project: GitProject,
  lockfilePath: string,
): Promise<LockfileSnapshot[]> {
  const snapshots: LockfileSnapshot[] = [];
  await readLockfileHistory(project, lockfilePath, {}, (commit, environments, step) => {
    snapshots.push({ commit, environments: keep(snapshots.at(-1)?.environments, environments, step) });
  });
  return snapshots;
}

/** A copy of what `step` changed, sharing the rest with the version before. */
function keep(
  previous: Environments | undefined,
  environments: Environments,
  step: LockfileStep,
): Environments {
  // A whole parse is never changed by the tracker afterwards: it copies before changing it.
  if (step.kind === "whole") return environments;
  if (step.kind === "same") return previous ?? environments;
  return { ...previous, [step.env]: { ...environments[step.env] } };
}

/**
 * Only the commits a period needs: the last one before `from` (what was active when it began) and
 * those up to `to`. A month's report of a long history then reads a month of lockfiles.
 */
function clip<T extends { date: string }>(commits: T[], window: HistoryWindow): T[] {
  const { from, to } = window;
  let start = 0;
  if (from != null) {
    const first = commits.findIndex((c) => Date.parse(c.date) >= from);
    start = first < 0 ? Math.max(0, commits.length - 1) : Math.max(0, first - 1);
  }
  let end = commits.length;
  if (to != null) {
    const after = commits.findIndex((c, i) => i >= start && Date.parse(c.date) > to);
    if (after >= 0) end = after;
  }
  return commits.slice(start, end);
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
