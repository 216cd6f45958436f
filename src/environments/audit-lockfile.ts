import type { HistoryCommit } from "../git/index.js";
import type { LockfileEntry } from "../lockfile/lockfile.js";
import type { ActiveVersion, AuditEvent } from "./audit-event.js";
import { inPeriod, type Period } from "./audit-period.js";
import type { Environments, LockfileStep } from "./lockfile-tracker.js";

/** Each environment's active versions, by id, sorted. */
export type ActiveVersions = Record<string, Record<string, ActiveVersion>>;

/**
 * What the audit report takes from the lockfile's history, one version at a time: the change of
 * each entry (activations, rollbacks, removals) and what was active at a given time. Work per
 * version is proportional to what the version changed, not to the size of the lockfile.
 */
export class LockfileAudit {
  readonly events: AuditEvent[] = [];
  readonly #envs: string[] | null;
  readonly #period: Period;
  /** Before the first commit nothing was active; an open start is the beginning of history. */
  readonly #start: ActiveAt | null;
  readonly #end: ActiveAt;
  #last: Environments = {};

  /** `envs`: only these environments (null: all). */
  constructor(envs: string[] | null, period: Period) {
    this.#envs = envs;
    this.#period = period;
    this.#start = period.from === null ? null : new ActiveAt(envs, period.from - 1);
    this.#end = new ActiveAt(envs, period.to);
  }

  /** For readLockfileHistory. */
  readonly visit = (commit: HistoryCommit, environments: Environments, step: LockfileStep): void => {
    const time = Date.parse(commit.date);
    if (inPeriod(this.#period, time)) this.events.push(...stepEvents(commit, environments, step, this.#envs));
    this.#start?.visit(time, environments, step);
    this.#end.visit(time, environments, step);
    this.#last = environments;
  };

  /** What was active at the start and the end of the period, once every version was visited. */
  active(): { start: ActiveVersions; end: ActiveVersions } {
    return {
      start: this.#start?.result(this.#last) ?? activeIn({}, this.#envs),
      end: this.#end.result(this.#last),
    };
  }
}

/**
 * What was active at `time` (null: the latest): the environments of the last version in history
 * order whose commit is at or before it. Kept as a reference while versions still qualify, and
 * projected (from the version before, by undoing the step) only when one no longer does.
 */
export class ActiveAt {
  #captured: ActiveVersions | null = null;
  /** Whether the version visited last is the answer so far. */
  #live = false;
  readonly #envs: string[] | null;
  readonly #time: number | null;

  constructor(envs: string[] | null, time: number | null) {
    this.#envs = envs;
    this.#time = time;
  }

  visit(time: number, environments: Environments, step: LockfileStep): void {
    const qualifies = this.#time === null || time <= this.#time;
    if (this.#live && !qualifies) this.#captured = activeIn(undo(environments, step), this.#envs);
    this.#live = qualifies;
  }

  /** The answer; `environments` is the last version visited. */
  result(environments: Environments): ActiveVersions {
    if (this.#live) return activeIn(environments, this.#envs);
    return this.#captured ?? activeIn({}, this.#envs);
  }
}

/** Each environment's entries (only `envs`' when given), by sorted id. */
export function activeIn(environments: Environments, envs: string[] | null): ActiveVersions {
  const result: ActiveVersions = {};
  for (const env of envs ?? Object.keys(environments).sort()) {
    const entries = environments[env] ?? {};
    result[env] = Object.fromEntries(
      Object.keys(entries)
        .sort()
        .map((id) => [id, { version: entries[id]!.version, hash: entries[id]!.hash }]),
    );
  }
  return result;
}

/** The environments before `step`, from those after it. */
function undo(environments: Environments, step: LockfileStep): Environments {
  if (step.kind === "same") return environments;
  if (step.kind === "whole") return step.previous;
  const entries = { ...environments[step.env] };
  for (const id of Object.keys(step.after)) if (!Object.hasOwn(step.before, id)) delete entries[id];
  Object.assign(entries, step.before);
  return { ...environments, [step.env]: entries };
}

/** Every entry that `step` changed, in environment then id order. */
function stepEvents(
  commit: HistoryCommit,
  environments: Environments,
  step: LockfileStep,
  envs: string[] | null,
): AuditEvent[] {
  if (step.kind === "same") return [];
  if (step.kind === "entries") {
    if (envs !== null && !envs.includes(step.env)) return [];
    return entryEvents(commit, step.env, step.before, step.after);
  }
  const before = step.previous;
  const events: AuditEvent[] = [];
  for (const env of envs ?? unionKeys(before, environments))
    events.push(...entryEvents(commit, env, before[env] ?? {}, environments[env] ?? {}));
  return events;
}

function entryEvents(
  commit: HistoryCommit,
  env: string,
  old: Record<string, LockfileEntry>,
  now: Record<string, LockfileEntry>,
): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const id of unionKeys(old, now)) {
    const a = old[id];
    const b = now[id];
    if (a && b && a.version === b.version && a.hash === b.hash && a.activatedAt === b.activatedAt) continue;
    if (!a && !b) continue;
    events.push(changeEvent(commit, env, id, a, b));
  }
  return events;
}

function changeEvent(
  commit: HistoryCommit,
  env: string,
  id: string,
  old: LockfileEntry | undefined,
  now: LockfileEntry | undefined,
): AuditEvent {
  const base = { at: commit.date, prompt: id, env, commit: commit.sha, committedBy: commit.author };
  if (!now)
    return {
      ...base,
      type: "removal",
      by: commit.author,
      version: null,
      hash: null,
      why: commit.subject,
      previous: old?.version ?? null,
    };
  // A rollback goes back to the entry's `previous`; an activation records what it replaced as `previous`.
  const rollback = old !== undefined && now.version === old.previous && now.previous !== old.version;
  return {
    ...base,
    type: rollback ? "rollback" : "activation",
    by: typeof now.activatedBy === "string" && now.activatedBy !== "" ? now.activatedBy : commit.author,
    version: now.version,
    hash: now.hash,
    why: typeof now.reason === "string" && now.reason !== "" ? now.reason : commit.subject,
    previous: old?.version ?? null,
  };
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
