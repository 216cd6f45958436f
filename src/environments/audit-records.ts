import { CatFileBatch, listNotes } from "../git/index.js";
import { type GovernanceRecord, NOTES_REF, parseNote, type RecordProblem } from "../governance/records.js";

/**
 * For the audit report: every approval and test record under refs/notes/promptops, with the commit each note is attached
 * to: one ls-tree and one cat-file --batch, however many notes there are.
 */
export async function readAuditRecords(
  root: string,
): Promise<{ records: Array<{ record: GovernanceRecord; commit: string }>; problems: RecordProblem[] }> {
  const notes = await listNotes(root, NOTES_REF);
  const records: Array<{ record: GovernanceRecord; commit: string }> = [];
  const problems: RecordProblem[] = [];
  if (notes.length === 0) return { records, problems };
  const batch = new CatFileBatch(root);
  try {
    const blobs = await Promise.all(notes.map((note) => batch.read(note.blob)));
    notes.forEach((note, i) => {
      const parsed = parseNote(note.object, blobs[i]?.content.toString("utf8") ?? "");
      for (const record of parsed.records) records.push({ record, commit: note.object });
      problems.push(...parsed.problems);
    });
  } finally {
    await batch.close();
  }
  return { records, problems };
}
