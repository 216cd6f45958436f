import type { HistoryCommit } from "../git/index.js";
import type { Lockfile, LockfileEntry } from "../lockfile/lockfile.js";
import type { LockfileSnapshot } from "./lockfile-history.js";

/** A history field of a lockfile entry that its git history contradicts, and the value history backs. */
export interface HistoryMismatch {
  env: string;
  id: string;
  version: number;
  field: "previous" | "activatedAt" | "activatedBy";
  message: string;
  hint: string;
  /** The value the history backs, which `lock` restores. */
  expected: number | string | null;
}

// No commit of the lockfile has the activation yet: nothing to restore the field from.
const UNRESTORABLE = "restore promptops.lock from git: no commit of it has this activation yet";

// Activation and commit may run on machines whose clocks differ a little.
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks `previous`, `activatedAt` and `activatedBy` of every entry against the committed history
 * of the lockfile (oldest first). The activation that set an entry is the first of the consecutive
 * lockfile states in which the prompt kept that version; the state before it is what it replaced.
 * - `previous` must be the version active before that activation (none: null), or, when that
 *   activation was a rollback to the replaced entry's `previous`, the `previous` the target
 *   version had when it was last active before;
 * - `activatedAt` and `activatedBy` must not change while the version stays active; a committed
 *   activation must be no later than its commit and made by its author, and not earlier than the
 *   activation it replaced.
 * An activation not committed yet is the newest: its `previous` cannot be checked (activations
 * between two commits leave no trace), only that its time comes after the committed one's.
 */
export function checkHistoryFields(
  lockfile: Lockfile,
  history: LockfileSnapshot[],
  options: { shallow: boolean; now: number },
): HistoryMismatch[] {
  const mismatches: HistoryMismatch[] = [];
  for (const [env, entries] of Object.entries(lockfile.environments)) {
    for (const [id, entry] of Object.entries(entries)) {
      mismatches.push(...checkEntry(env, id, entry, history, options));
    }
  }
  return mismatches;
}

interface State {
  entry: LockfileEntry | null;
  /** Undefined for the working tree. */
  commit?: HistoryCommit;
}

function checkEntry(
  env: string,
  id: string,
  current: LockfileEntry,
  history: LockfileSnapshot[],
  options: { shallow: boolean; now: number },
): HistoryMismatch[] {
  const states: State[] = history.map((s) => ({
    entry: s.environments[env]?.[id] ?? null,
    commit: s.commit,
  }));
  const last = states.at(-1)?.entry;
  if (!last || !sameEntry(last, current)) states.push({ entry: current });
  const runStart = (index: number) => {
    let k = index;
    while (k > 0 && states[k - 1]!.entry?.version === current.version) k--;
    return k;
  };
  let start = runStart(states.length - 1);
  // A state brought back whole (git revert, or checking out an older lockfile) is that older
  // activation again: it is checked where it was first made.
  const restored = states.findIndex(
    (s, k) => k < start && s.entry && sameEntry(s.entry, states[start]!.entry!),
  );
  if (restored >= 0) start = runStart(restored);
  const intro = states[start]!;
  const introEntry = intro.entry!;
  const replaced = start > 0 ? states[start - 1]!.entry : null;
  // In a shallow clone the state before the oldest commit fetched is unknown, not empty.
  const knownBefore = start > 0 || !options.shallow;
  const where = `${env}/${id}`;
  const mismatch = (
    field: HistoryMismatch["field"],
    expected: HistoryMismatch["expected"],
    message: string,
    hint = "restore promptops.lock from git, or run `promptops lock` to restore what its history says",
  ): HistoryMismatch => ({
    env,
    id,
    version: current.version,
    field,
    expected,
    message: `${where}: ${message}`,
    hint,
  });
  const found: HistoryMismatch[] = [];
  const at = intro.commit
    ? `the commit that activated v${current.version}, ${intro.commit.sha.slice(0, 12)}`
    : "";

  if (intro.commit && knownBefore) {
    const allowed = allowedPrevious(states, start);
    const previous = current.previous ?? null;
    if (!allowed.includes(previous)) {
      const expected = allowed[0]!;
      found.push(
        mismatch(
          "previous",
          expected,
          `previous is ${label(previous)}, but the lockfile's history says ${expected === null ? "nothing was active" : `v${expected} was active`} before v${current.version} (activated in ${intro.commit.sha.slice(0, 12)}): previous was edited`,
          // The one honest way to get here: activating twice between two commits of the lockfile.
          "restore promptops.lock from git, or run `promptops lock` to restore what its history says (activating more than once between two commits of promptops.lock also leaves a previous its history cannot back)",
        ),
      );
    }
  }

  const introTime = Date.parse(introEntry.activatedAt);
  if (current.activatedAt !== introEntry.activatedAt) {
    found.push(
      mismatch(
        "activatedAt",
        introEntry.activatedAt,
        `activatedAt is ${current.activatedAt}, but v${current.version} has been active since ${introEntry.activatedAt} (${at}): activatedAt was edited`,
      ),
    );
  } else if (Number.isNaN(introTime)) {
    found.push(
      mismatch(
        "activatedAt",
        intro.commit?.date ?? null,
        `activatedAt ${JSON.stringify(current.activatedAt)} is not a date and time: activatedAt was edited`,
        ...(intro.commit ? [] : [UNRESTORABLE]),
      ),
    );
  } else if (intro.commit && introTime > Date.parse(intro.commit.date) + CLOCK_SKEW_MS) {
    found.push(
      mismatch(
        "activatedAt",
        intro.commit.date,
        `activatedAt ${current.activatedAt} is later than ${at} (${intro.commit.date}): activatedAt was edited`,
      ),
    );
  } else if (!intro.commit && introTime > options.now + CLOCK_SKEW_MS) {
    found.push(
      mismatch(
        "activatedAt",
        null,
        `activatedAt ${current.activatedAt} is in the future: activatedAt was edited`,
        UNRESTORABLE,
      ),
    );
  }
  if (replaced && introTime < Date.parse(replaced.activatedAt)) {
    found.push(
      mismatch(
        "activatedAt",
        replaced.activatedAt,
        `activatedAt ${current.activatedAt} is earlier than the activation of v${replaced.version} it replaced (${replaced.activatedAt}): activatedAt was edited`,
      ),
    );
  }

  if (current.activatedBy !== introEntry.activatedBy) {
    found.push(
      mismatch(
        "activatedBy",
        introEntry.activatedBy,
        `activatedBy is "${current.activatedBy}", but v${current.version} was activated by "${introEntry.activatedBy}" (${at}): activatedBy was edited`,
      ),
    );
  } else if (intro.commit && introEntry.activatedBy !== intro.commit.author) {
    found.push(
      mismatch(
        "activatedBy",
        intro.commit.author,
        `activatedBy is "${current.activatedBy}", but ${at}, was made by "${intro.commit.author}": activatedBy was edited`,
      ),
    );
  }
  return found;
}

/**
 * The `previous` values the activation at `states[start]` may have recorded, the ordinary one first:
 * the version it replaced, or for a rollback (to the replaced entry's `previous`) the `previous`
 * of the rolled-back-to version's last activation, as rollback records it.
 */
function allowedPrevious(states: State[], start: number): Array<number | null> {
  const replaced = start > 0 ? states[start - 1]!.entry : null;
  const allowed: Array<number | null> = [replaced?.version ?? null];
  const version = states[start]!.entry!.version;
  if (replaced && replaced.previous === version) {
    let k = start - 1;
    while (k >= 0 && states[k]!.entry?.version !== version) k--;
    while (k > 0 && states[k - 1]!.entry?.version === version) k--;
    allowed.push(k >= 0 ? (states[k]!.entry!.previous ?? null) : null);
  }
  return allowed;
}

/** The version history backs as the one to roll back to from `current`, when it disagrees with `previous`. */
export function historyBackedPrevious(
  mismatches: HistoryMismatch[],
  env: string,
  id: string,
): number | null | undefined {
  const found = mismatches.find((m) => m.env === env && m.id === id && m.field === "previous");
  return found ? (found.expected as number | null) : undefined;
}

function label(version: number | null): string {
  return version === null ? "null" : `v${version}`;
}

function sameEntry(a: LockfileEntry, b: LockfileEntry): boolean {
  return (
    a.version === b.version &&
    a.hash === b.hash &&
    a.commit === b.commit &&
    a.activatedAt === b.activatedAt &&
    a.activatedBy === b.activatedBy &&
    a.reason === b.reason &&
    (a.previous ?? null) === (b.previous ?? null)
  );
}
