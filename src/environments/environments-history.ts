import { relative, sep } from "node:path";
import { CatFileBatch, fileHistory } from "../git/index.js";
import type { LockfileEntry } from "../lockfile/lockfile.js";
import type { GitProject } from "../versions/git-project.js";
import type { LockfileSnapshot } from "./lockfile-history.js";

type Environments = LockfileSnapshot["environments"];

// How many blobs are requested ahead of the one being read: enough to keep git busy, few enough
// that a long history of a 1 MB lockfile is never all in memory at once.
const WINDOW = 16;

/**
 * The `environments` of promptops.lock at every commit that changed it, like lockfileHistory, but
 * fast on long histories of large lockfiles (2,000 commits of a 1 MB file: gigabytes to parse).
 * Consecutive versions differ in a few entries, and promptops writes the file in one canonical
 * layout, so each version is compared with the one before byte for byte and only the entries between
 * the first and the last differing byte are parsed; the rest is shared with the previous snapshot.
 * Whenever a version is not in that layout (a hand edit, another formatter), it is parsed whole:
 * the fast path only ever skips work, never changes a result. Still one `git log` and one
 * `cat-file --batch`. Versions that do not parse are skipped, as in lockfileHistory.
 */
export async function environmentsHistory(
  project: GitProject,
  lockfilePath: string,
  window: { from?: number | null; to?: number | null } = {},
): Promise<LockfileSnapshot[]> {
  const path = relative(project.repoRoot, lockfilePath).split(sep).join("/");
  const commits = clip(await fileHistory(project.repoRoot, path), window);
  const batch = new CatFileBatch(project.repoRoot);
  const snapshots: LockfileSnapshot[] = [];
  try {
    const reads = new Map<number, ReturnType<CatFileBatch["read"]>>();
    const request = (i: number) => {
      if (i < commits.length && !reads.has(i)) reads.set(i, batch.read(`${commits[i]!.sha}:${path}`));
    };
    let previous: ReadEnvironments | null = null;
    for (let i = 0; i < commits.length; i++) {
      for (let ahead = i; ahead < i + WINDOW; ahead++) request(ahead);
      const blob = await reads.get(i)!;
      reads.delete(i);
      const commit = commits[i]!;
      if (!blob) {
        snapshots.push({ commit, environments: {} });
        previous = null;
        continue;
      }
      const read = readEnvironments(blob.content, previous);
      if (read === undefined) {
        previous = null;
        continue;
      }
      const { environments } = read;
      snapshots.push({ commit, environments });
      previous = read.section ? read : null;
    }
  } finally {
    await batch.close();
  }
  return snapshots;
}

export interface ReadEnvironments {
  environments: Environments;
  /** The environments' bytes when the file is in the canonical layout, for the next version's comparison. */
  section: Buffer | null;
}

/**
 * The environments of one version of the lockfile, from the version before it when that is cheaper;
 * undefined when the file is not JSON.
 */
export function readEnvironments(
  content: Buffer,
  previous: ReadEnvironments | null,
): ReadEnvironments | undefined {
  const section = environmentsSection(content);
  const environments =
    (section && previous?.section && updatedEnvironments(previous.section, previous.environments, section)) ??
    parseEnvironments(section, content);
  return environments === undefined ? undefined : { environments, section };
}

/**
 * Only the commits a period needs: the last one before `from` (what was active when it began) and
 * those up to `to`. A month's report of a long history then reads a month of lockfiles.
 */
function clip<T extends { date: string }>(
  commits: T[],
  window: { from?: number | null; to?: number | null },
): T[] {
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

const HEAD = Buffer.from('{\n  "environments": {\n');
const SECTION_END = Buffer.from('\n  },\n  "lockfileVersion": ');
const ENTRY_START = Buffer.from('\n      "');
const ENTRY_END = Buffer.from("\n      }");
const ENV_START = Buffer.from('\n    "');

/** The bytes of the environments object's members, in the canonical layout; null in any other. */
function environmentsSection(content: Buffer): Buffer | null {
  if (!content.subarray(0, HEAD.length).equals(HEAD)) return null;
  const end = content.indexOf(SECTION_END, HEAD.length);
  return end < 0 ? null : content.subarray(HEAD.length - 1, end + 1);
}

function parseEnvironments(section: Buffer | null, content: Buffer): Environments | undefined {
  try {
    if (section) return JSON.parse(`{${section.toString("utf8")}}`) as Environments;
  } catch {
    // Not what the layout promised: read the whole file below.
  }
  try {
    const parsed = JSON.parse(content.toString("utf8")) as { environments?: Environments };
    return parsed.environments ?? {};
  } catch {
    return undefined;
  }
}

/**
 * `before`'s environments with the entries that changed between the two sections re-read from
 * `after`; undefined when the change is not a run of whole entries of one environment.
 */
function updatedEnvironments(
  before: Buffer,
  environments: Environments,
  after: Buffer,
): Environments | undefined {
  if (before.equals(after)) return environments;
  const prefix = commonPrefix(before, after);
  const suffix = commonSuffix(before, after, prefix);
  const oldSpan = entrySpan(before, prefix, before.length - suffix);
  const newSpan = entrySpan(after, prefix, after.length - suffix);
  if (!oldSpan || !newSpan) return undefined;
  // Both spans must sit in the same environment, at the same place.
  const env = envAt(after, newSpan.start);
  if (env === undefined || env !== envAt(before, oldSpan.start)) return undefined;
  if (before.length - oldSpan.end !== after.length - newSpan.end) return undefined;
  const removed = parseMembers(before.subarray(oldSpan.start, oldSpan.end));
  const added = parseMembers(after.subarray(newSpan.start, newSpan.end));
  const current = environments[env];
  if (!removed || !added || !current) return undefined;
  const next: Record<string, LockfileEntry> = { ...current };
  // `delete` only for ids really gone: it turns the object into a slow dictionary, and the next
  // version's spread of it costs milliseconds instead of microseconds.
  for (const id of Object.keys(removed)) if (!Object.hasOwn(added, id)) delete next[id];
  Object.assign(next, added);
  return { ...environments, [env]: next };
}

/**
 * The whole entries that hold the bytes from `from` to `to` (and the entries either side, so that
 * an insertion between two entries is covered): from the start of an entry's key line to the end of
 * its closing brace.
 */
function entrySpan(section: Buffer, from: number, to: number): { start: number; end: number } | undefined {
  const start = section.lastIndexOf(ENTRY_START, Math.max(0, from - ENTRY_START.length));
  const close = section.indexOf(ENTRY_END, Math.max(to, start + 1));
  if (start < 0 || close < 0) return undefined;
  // The span must not cross into another environment.
  const nextEnv = section.indexOf(ENV_START, start + 1);
  if (nextEnv >= 0 && nextEnv < close) return undefined;
  return { start: start + 1, end: close + ENTRY_END.length };
}

/** The environment whose object holds `offset`. */
function envAt(section: Buffer, offset: number): string | undefined {
  const line = section.lastIndexOf(ENV_START, offset);
  if (line < 0) return undefined;
  const end = section.indexOf(Buffer.from('": {\n'), line);
  if (end < 0 || end > offset) return undefined;
  try {
    return JSON.parse(section.subarray(line + ENV_START.length - 1, end + 1).toString("utf8")) as string;
  } catch {
    return undefined;
  }
}

/** `"id": {…},\n "id2": {…}` as an object of entries; undefined unless every member is an object. */
function parseMembers(bytes: Buffer): Record<string, LockfileEntry> | undefined {
  try {
    const parsed = JSON.parse(`{${bytes.toString("utf8")}}`) as Record<string, unknown>;
    for (const value of Object.values(parsed))
      if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return parsed as Record<string, LockfileEntry>;
  } catch {
    return undefined;
  }
}

/** Length of the common prefix, found by halving with native comparisons rather than byte by byte. */
function commonPrefix(a: Buffer, b: Buffer): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (a.compare(b, low, mid, low, mid) === 0) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Length of the common suffix that does not overlap the common prefix. */
function commonSuffix(a: Buffer, b: Buffer, prefix: number): number {
  let low = 0;
  let high = Math.min(a.length, b.length) - prefix;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (a.compare(b, b.length - mid, b.length - low, a.length - mid, a.length - low) === 0) low = mid;
    else high = mid - 1;
  }
  return low;
}
