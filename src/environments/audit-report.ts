import { checkEnvironment } from "../config/check-environment.js";
import { listTags, type TagInfo, trailerValue } from "../git/index.js";
import { isPassingTest } from "../governance/records.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import { openGitProject } from "../versions/git-project.js";
import { parseVersionTagName, TRAILER_HASH, TRAILER_ID, TRAILER_VERSION } from "../versions/version-tag.js";
import type { ActiveVersion, AuditEvent } from "./audit-event.js";
import { LockfileAudit } from "./audit-lockfile.js";
import { inPeriod, parsePeriod } from "./audit-period.js";
import { readAuditRecords } from "./audit-records.js";
import { readLockfileHistory } from "./lockfile-history.js";

export type { ActiveVersion, AuditEvent, AuditEventType } from "./audit-event.js";

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
 * for-each-ref, one log and one cat-file for the lockfile, one notes list and one cat-file for notes.
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
  const envs = options.env !== undefined ? [options.env] : null;
  const lockfile = new LockfileAudit(envs, period);
  const [tags, , records] = await Promise.all([
    listTags(project.repoRoot, project.config.tagPrefix),
    readLockfileHistory(project, lockfilePathOf(project), period, lockfile.visit),
    readAuditRecords(project.repoRoot),
  ]);
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
  events.push(...lockfile.events);
  // Stable: events of the same second keep the order they were collected in (publishes, then
  // records, then lockfile commits in history order).
  for (const event of events) event.at = new Date(Date.parse(event.at)).toISOString();
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    from: period.from === null ? null : new Date(period.from).toISOString(),
    to: period.to === null ? null : new Date(period.to).toISOString(),
    env: options.env ?? null,
    events,
    active: lockfile.active(),
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
