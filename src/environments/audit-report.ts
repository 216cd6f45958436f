import { checkEnvironment } from "../config/check-environment.js";
import { listTags, type TagInfo, trailerValue } from "../git/index.js";
import { isPassingTest } from "../governance/records.js";
import type { LockfileEntry } from "../lockfile/lockfile.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import { openGitProject } from "../versions/git-project.js";
import { parseVersionTagName, TRAILER_HASH, TRAILER_ID, TRAILER_VERSION } from "../versions/version-tag.js";
import { inPeriod, parsePeriod } from "./audit-period.js";
import { readAuditRecords } from "./audit-records.js";
import { environmentsHistory } from "./environments-history.js";
import type { LockfileSnapshot } from "./lockfile-history.js";

export type AuditEventType = "publish" | "activation" | "rollback" | "removal" | "approval" | "test";

/** One thing that happened, as the report lists it. */
export interface AuditEvent {
  type: AuditEventType;
  /** When it happened, ISO 8601: the tag's date, the lockfile commit's date, the record's time. */
  at: string;
  /** Who: the tagger, the entry's activatedBy, the approver or tester ("Name <email>"). */
  by: string;
  prompt: string;
  /** The version published, made active, approved or tested; null when an entry was removed. */
  version: number | null;
  hash: string | null;
  /** For activations, rollbacks and removals. */
  env: string | null;
  /** The tag message, the entry's reason (else the commit's subject), the approval's -m. */
  why: string;
  /** The tagged commit, or the commit that changed the lockfile. */
  commit: string | null;
  /** Activations and rollbacks: the version active before. */
  previous?: number | null;
  /** Activations and rollbacks: who committed the lockfile change (it may differ from `by`). */
  committedBy?: string;
  /** Test records. */
  providers?: string[];
  summary?: { total: number; passed: number; failed: number; errors: number };
  passed?: boolean;
}

export interface ActiveVersion {
  version: number;
  hash: string;
}

export interface AuditPeriodReport {
  /** The period, ISO 8601; null for an open end. */
  from: string | null;
  to: string | null;
  env: string | null;
  events: AuditEvent[];
  /** What was active in each environment (only `env`'s when given) at the start and end of the period. */
  active: {
    start: Record<string, Record<string, ActiveVersion>>;
    end: Record<string, Record<string, ActiveVersion>>;
  };
  /** Records that were ignored, and why: they never count. */
  warnings: string[];
}

/**
 * Everything that happened to the prompts in a period, from git alone: tags (publishes), the
 * lockfile's history (activations, rollbacks) and the notes under refs/notes/promptops (approvals,
 * test records). A constant number of git processes whatever the history's length: one
 * for-each-ref, one log and one cat-file for the lockfile, one ls-tree and one cat-file for notes.
 */
export async function auditPeriod(options: {
  cwd: string;
  from?: string;
  to?: string;
  env?: string;
}): Promise<AuditPeriodReport> {
  const period = parsePeriod(options.from, options.to);
  const project = await openGitProject(options.cwd);
  if (options.env !== undefined) checkEnvironment(project, options.env);
  const [tags, history, records] = await Promise.all([
    listTags(project.repoRoot, project.config.tagPrefix),
    environmentsHistory(project, lockfilePathOf(project), period),
    readAuditRecords(project.repoRoot),
  ]);
  const envs = options.env !== undefined ? [options.env] : null;
  const versions = publishedVersions(project.config.tagPrefix, tags);
  const events: AuditEvent[] = [];
  for (const version of versions.values())
    if (inPeriod(period, Date.parse(version.event.at))) events.push(version.event);

  const warnings = records.problems.map(
    (p) => `refs/notes/promptops: note on ${p.commit.slice(0, 12)}, line ${p.line}: ${p.message}`,
  );
  for (const { record, commit } of records.records) {
    const published = versions.get(`${record.prompt}@${record.version}`);
    const label = `${record.kind} record of ${record.prompt}@${record.version} by ${record.by}`;
    if (!published) warnings.push(`${label}: no such published version; ignored`);
    else if (published.event.hash !== record.hash)
      warnings.push(
        `${label}: its hash ${record.hash} is not the version's ${published.event.hash}; ignored`,
      );
    else if (published.event.commit !== commit)
      warnings.push(`${label}: attached to ${commit.slice(0, 12)}, not to the version's tag commit; ignored`);
    else if (inPeriod(period, Date.parse(record.at)))
      events.push({
        type: record.kind,
        at: record.at,
        by: record.by,
        prompt: record.prompt,
        version: record.version,
        hash: record.hash,
        env: null,
        why: record.kind === "approval" ? (record.reason ?? "") : testSummary(record),
        commit,
        ...(record.kind === "test"
          ? { providers: record.providers, summary: record.summary, passed: isPassingTest(record) }
          : {}),
      });
  }
  events.push(...lockfileEvents(history, envs).filter((e) => inPeriod(period, Date.parse(e.at))));
  // Stable: events of the same second keep the order they were collected in (publishes, then
  // records, then lockfile commits in history order).
  for (const event of events) event.at = new Date(Date.parse(event.at)).toISOString();
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    from: period.from === null ? null : new Date(period.from).toISOString(),
    to: period.to === null ? null : new Date(period.to).toISOString(),
    env: options.env ?? null,
    events,
    active: {
      // Before the first commit nothing was active; an open start is the beginning of history.
      start: activeAt(period.from === null ? [] : history, envs, period.from === null ? 0 : period.from - 1),
      end: activeAt(history, envs, period.to),
    },
    warnings,
  };
}

function testSummary(record: { summary: { total: number; passed: number }; providers: string[] }): string {
  return `${record.summary.passed}/${record.summary.total} passed on ${record.providers.join(", ")}`;
}

/** Each published version's publish event, by `id@N`; lightweight and foreign tags are not publishes. */
function publishedVersions(tagPrefix: string, tags: TagInfo[]): Map<string, { event: AuditEvent }> {
  const versions = new Map<string, { event: AuditEvent }>();
  for (const tag of tags) {
    const parsed = parseVersionTagName(tagPrefix, tag.name);
    if (!parsed || !tag.annotated || !tag.tagger) continue;
    if (
      trailerValue(tag.trailers, TRAILER_ID) !== parsed.id ||
      trailerValue(tag.trailers, TRAILER_VERSION) !== String(parsed.version)
    )
      continue;
    versions.set(`${parsed.id}@${parsed.version}`, {
      event: {
        type: "publish",
        at: tag.tagger.date,
        by: `${tag.tagger.name} <${tag.tagger.email}>`,
        prompt: parsed.id,
        version: parsed.version,
        hash: trailerValue(tag.trailers, TRAILER_HASH) ?? null,
        env: null,
        why: reasonOf(tag.message),
        commit: tag.commit,
      },
    });
  }
  return versions;
}

/** The tag message without the trailers promptops adds. */
function reasonOf(message: string): string {
  return message
    .split("\n")
    .filter((line) => !/^Prompt-(Id|Version|Hash):/i.test(line))
    .join("\n")
    .trim();
}

/** Every change of an entry between consecutive committed lockfiles. */
function lockfileEvents(history: LockfileSnapshot[], envs: string[] | null): AuditEvent[] {
  const events: AuditEvent[] = [];
  let before: LockfileSnapshot["environments"] = {};
  for (const snapshot of history) {
    const after = snapshot.environments;
    for (const env of envs ?? unionKeys(before, after)) {
      const old = before[env] ?? {};
      const now = after[env] ?? {};
      for (const id of unionKeys(old, now)) {
        const a = old[id];
        const b = now[id];
        if (a && b && a.version === b.version && a.hash === b.hash && a.activatedAt === b.activatedAt)
          continue;
        if (!a && !b) continue;
        events.push(changeEvent(snapshot, env, id, a, b));
      }
    }
    before = after;
  }
  return events;
}

function changeEvent(
  snapshot: LockfileSnapshot,
  env: string,
  id: string,
  old: LockfileEntry | undefined,
  now: LockfileEntry | undefined,
): AuditEvent {
  const { commit } = snapshot;
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

/** Each environment's entries in the last committed lockfile at or before `time` (null: the latest). */
function activeAt(
  history: LockfileSnapshot[],
  envs: string[] | null,
  time: number | null,
): Record<string, Record<string, ActiveVersion>> {
  const snapshot =
    time === null ? history.at(-1) : history.findLast((s) => Date.parse(s.commit.date) <= time);
  const result: Record<string, Record<string, ActiveVersion>> = {};
  const environments = snapshot?.environments ?? {};
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

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
