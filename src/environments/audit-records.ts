import { CatFileBatch } from "../git/index.js";
import { readRecordNotes } from "../governance/read-records.js";
import type { GovernanceRecord, RecordProblem } from "../governance/records.js";

/**
 * For the audit report: every approval and test record under refs/notes/promptops, with the commit
 * each note is attached to: one `git notes list` and one cat-file --batch, however many notes.
 */
export async function readAuditRecords(
  root: string,
): Promise<{ records: Array<{ record: GovernanceRecord; commit: string }>; problems: RecordProblem[] }> {
  const batch = new CatFileBatch(root);
  try {
    const notes = await readRecordNotes(root, batch);
    return {
      records: notes.flatMap(({ commit, records }) => records.map((record) => ({ record, commit }))),
      problems: notes.flatMap((note) => note.problems),
    };
  } finally {
    await batch.close();
  }
}
