import type { CatFileBatch } from "../git/index.js";
import { readNotes } from "../git/index.js";
import { loadPrompt } from "../prompt/load-prompt.js";
import { type GitProject, promptFilePath } from "../versions/git-project.js";
import type { PublishedVersion } from "../versions/version-index.js";
import { type GovernanceRecord, NOTES_REF, parseNote, type RecordProblem } from "./records.js";

/** Every record under refs/notes/promptops, by the commit its note is on. */
export interface RecordStore {
  byCommit: Map<string, GovernanceRecord[]>;
  /** Notes lines that are not records: said once, never counted. */
  warnings: string[];
}

/** The records in one note, and its lines that are not records. */
export interface RecordNote {
  /** The commit the note is on. */
  commit: string;
  records: GovernanceRecord[];
  problems: RecordProblem[];
}

/**
 * Every note under refs/notes/promptops, parsed: one `git notes list` plus reads through the
 * caller's cat-file batch, however many notes there are. What protection checks and the audit
 * report both read.
 */
export async function readRecordNotes(root: string, batch: CatFileBatch): Promise<RecordNote[]> {
  const notes = await readNotes(root, NOTES_REF, batch);
  return [...notes].map(([commit, text]) => ({ commit, ...parseNote(commit, text) }));
}

/** All records by commit, for protection checks. */
export async function readRecordStore(project: GitProject, batch: CatFileBatch): Promise<RecordStore> {
  const byCommit = new Map<string, GovernanceRecord[]>();
  const warnings: string[] = [];
  for (const { commit, records, problems } of await readRecordNotes(project.repoRoot, batch)) {
    byCommit.set(commit, records);
    for (const problem of problems)
      warnings.push(
        `${NOTES_REF} note on ${commit.slice(0, 12)}, line ${problem.line}: ${problem.message}; ignored`,
      );
  }
  return { byCommit, warnings };
}

/**
 * The records that vouch for `version`: on its tag commit, for its prompt and number, and
 * naming its hash. A record for this version that names another hash is ignored, with a
 * warning added to `warnings`: it was made for other content (or forged), and never counts.
 */
export function recordsForVersion(
  store: RecordStore,
  version: PublishedVersion,
  warnings: string[],
): GovernanceRecord[] {
  const records = store.byCommit.get(version.commit) ?? [];
  return records.filter((record) => {
    if (record.prompt !== version.id || record.version !== version.version) return false;
    if (record.hash === version.hash) return true;
    warnings.push(
      `${record.kind === "approval" ? "an approval" : "a test"} record for ${version.id} v${version.version} by ${record.by} names ${record.hash.slice(0, 19)}…, but the tag ${version.tag} says ${version.hash.slice(0, 19)}…; ignored`,
    );
    return false;
  });
}

/**
 * The prompt's `owners:` as they were at the version's tag commit: what was reviewed when it
 * was published, so a later edit (or a pull request) cannot make someone an owner of it.
 */
export async function ownersAtVersion(
  batch: CatFileBatch,
  project: GitProject,
  version: PublishedVersion,
): Promise<string[]> {
  const path = promptFilePath(project, version.id);
  const blob = await batch.read(`${version.commit}:${path}`);
  if (!blob) return [];
  const loaded = loadPrompt({ id: version.id, file: `${version.commit.slice(0, 12)}:${path}` }, () =>
    blob.content.toString("utf8"),
  );
  return loaded.prompt?.owners ?? [];
}
