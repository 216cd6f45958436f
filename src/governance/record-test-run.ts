import { appendNote, identity, type NotesPushOutcome, pushNotes } from "../git/index.js";
import type { CaseResult } from "../regression/results.js";
import { openGitProject } from "../versions/git-project.js";
import { readVersionIndex } from "../versions/version-index.js";
import { appendRecord, NOTES_REF, type TestRecord } from "./records.js";

export interface RecordedTests {
  records: TestRecord[];
  /** Published versions that were tested but get no record, and why. */
  skipped: string[];
  pushed?: NotesPushOutcome;
}

/**
 * After `promptops test --version N` / `--env E`: a test record, as a git note on the tag commit,
 * for each published version all of whose cases passed. A version whose tag disagrees with the
 * hash that was tested gets none. Writes one `git notes append` per tagged commit.
 */
export async function recordTestRun(options: {
  cwd: string;
  results: CaseResult[];
  push: boolean;
  remote?: string;
}): Promise<RecordedTests> {
  const byVersion = new Map<string, CaseResult[]>();
  for (const result of options.results) {
    if (result.version === "draft") continue;
    const key = `${result.prompt}\0${result.version}\0${result.hash}`;
    byVersion.set(key, [...(byVersion.get(key) ?? []), result]);
  }
  const outcome: RecordedTests = { records: [], skipped: [] };
  if (byVersion.size === 0) return outcome;
  const project = await openGitProject(options.cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const by = await identity(project.repoRoot);
  const at = new Date().toISOString();
  const notes = new Map<string, string>();
  for (const results of byVersion.values()) {
    const { prompt, version, hash } = results[0]! as CaseResult & { version: number };
    const tagged = index.byId.get(prompt)?.find((v) => v.version === version);
    const counts = {
      total: results.length,
      passed: results.filter((r) => r.status === "pass").length,
      failed: results.filter((r) => r.status === "fail").length,
      errors: results.filter((r) => r.status === "error").length,
    };
    if (!tagged || tagged.hash !== hash) {
      outcome.skipped.push(
        `${prompt} v${version}: the tested content is not what its tag says; no test record`,
      );
      continue;
    }
    if (results.every((r) => r.provider === "echo")) {
      outcome.skipped.push(`${prompt} v${version}: echo checks composition, not a model; no test record`);
      continue;
    }
    if (counts.passed !== counts.total) {
      outcome.skipped.push(`${prompt} v${version}: not every case passed; no test record`);
      continue;
    }
    const record: TestRecord = {
      kind: "test",
      prompt,
      version,
      hash,
      by,
      at,
      providers: [...new Set(results.map((r) => r.provider))].sort(),
      summary: counts,
    };
    notes.set(tagged.commit, appendRecord(notes.get(tagged.commit) ?? "", record));
    outcome.records.push(record);
  }
  for (const [commit, text] of notes) await appendNote(project.repoRoot, NOTES_REF, commit, text);
  if (options.push && outcome.records.length > 0)
    outcome.pushed = await pushNotes(project.repoRoot, options.remote ?? "origin", NOTES_REF);
  return outcome;
}
