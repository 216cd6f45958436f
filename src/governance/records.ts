/**
 * Test records and approvals, stored as git notes under refs/notes/promptops on a version's
 * tag commit (DESIGN.md section 9). A note is one blob per commit, and several prompts may be
 * tagged on the same commit, so a note holds any number of records, one JSON object per line.
 * Lines are only ever appended: `git notes append` adds a line, and a merge of two writers'
 * notes (`git notes merge -s cat_sort_uniq`) keeps every line of both, so concurrent records
 * never overwrite each other. Blank lines (which `git notes append` puts between blocks) are
 * skipped.
 *
 * A record names the prompt hash it was made for: a record for v3 never counts for v4, and a
 * record whose hash does not match the version's tag is ignored with a warning.
 */

export const NOTES_REF = "refs/notes/promptops";

/** Bumped only if a record's meaning changes; readers ignore, with a warning, lines of a newer format. */
export const RECORD_FORMAT = 1;

interface RecordBase {
  /** The prompt id, e.g. "billing/refund". */
  prompt: string;
  version: number;
  /** The version's Prompt-Hash: what the record vouches for. */
  hash: string;
  /** Git identity of whoever made the record, "Name <email>". */
  by: string;
  /** ISO 8601 time the record was made. */
  at: string;
}

/** `promptops test --version N` (or `--env E`) of a published version that passed. */
export interface TestRecord extends RecordBase {
  kind: "test";
  /** The providers the suite ran on, "kind:model". */
  providers: string[];
  summary: { total: number; passed: number; failed: number; errors: number };
}

/** `promptops approve <id>@<N> [-m why]`. */
export interface ApprovalRecord extends RecordBase {
  kind: "approval";
  /** The -m message, when one was given. */
  reason?: string;
}

export type GovernanceRecord = TestRecord | ApprovalRecord;

/** A line of a note that is not a record we can trust: reported as a warning, never counted. */
export interface RecordProblem {
  /** The commit the note is attached to. */
  commit: string;
  /** 1-based line in the note. */
  line: number;
  message: string;
}

/** One record as one line (no newline), keys in a fixed order so identical records are identical lines. */
export function serializeRecord(record: GovernanceRecord): string {
  const base = {
    promptops: RECORD_FORMAT,
    kind: record.kind,
    prompt: record.prompt,
    version: record.version,
    hash: record.hash,
    by: record.by,
    at: record.at,
  };
  if (record.kind === "test") {
    const { total, passed, failed, errors } = record.summary;
    return JSON.stringify({
      ...base,
      providers: record.providers,
      summary: { total, passed, failed, errors },
    });
  }
  return JSON.stringify(record.reason === undefined ? base : { ...base, reason: record.reason });
}

/** The note's text after appending `record`, for writers that replace the whole note. */
export function appendRecord(note: string, record: GovernanceRecord): string {
  const kept = note.replace(/\n*$/, "");
  return `${kept === "" ? "" : `${kept}\n`}${serializeRecord(record)}\n`;
}

/** Every record of one commit's note; lines that are not valid records come back as problems. */
export function parseNote(
  commit: string,
  text: string,
): { records: GovernanceRecord[]; problems: RecordProblem[] } {
  const records: GovernanceRecord[] = [];
  const problems: RecordProblem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const parsed = parseRecordLine(line);
    if (typeof parsed === "string") problems.push({ commit, line: i + 1, message: parsed });
    else records.push(parsed);
  }
  return { records, problems };
}

/** A record, or why the line is not one. */
export function parseRecordLine(line: string): GovernanceRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not a JSON record";
  }
  if (!isObject(value)) return "not a JSON object";
  if (value.promptops !== RECORD_FORMAT) return `unknown record format ${JSON.stringify(value.promptops)}`;
  const base = baseFields(value);
  if (typeof base === "string") return base;
  if (value.kind === "approval") {
    if (value.reason !== undefined && typeof value.reason !== "string") return "reason is not a string";
    return {
      kind: "approval",
      ...base,
      ...(typeof value.reason === "string" ? { reason: value.reason } : {}),
    };
  }
  if (value.kind === "test") {
    const providers = value.providers;
    if (!Array.isArray(providers) || !providers.every((p) => typeof p === "string"))
      return "providers is not a list of strings";
    const summary = value.summary;
    if (!isObject(summary)) return "summary is missing";
    const counts = ["total", "passed", "failed", "errors"] as const;
    for (const key of counts) {
      const n = summary[key];
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return `summary.${key} is not a count`;
    }
    return {
      kind: "test",
      ...base,
      providers: providers as string[],
      summary: {
        total: summary.total as number,
        passed: summary.passed as number,
        failed: summary.failed as number,
        errors: summary.errors as number,
      },
    };
  }
  return `unknown record kind ${JSON.stringify(value.kind)}`;
}

function baseFields(value: Record<string, unknown>): RecordBase | string {
  const { prompt, version, hash, by, at } = value;
  if (typeof prompt !== "string" || prompt === "") return "prompt is missing";
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
    return "version is not a version";
  if (typeof hash !== "string" || !/^sha256:[0-9a-f]{64}$/.test(hash)) return "hash is not a sha256: hash";
  if (typeof by !== "string" || by === "") return "by is missing";
  if (typeof at !== "string" || Number.isNaN(Date.parse(at))) return "at is not a time";
  return { prompt, version, hash, by, at };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A test record counts only when the run passed: no failure, no error, at least one case. */
export function isPassingTest(record: TestRecord): boolean {
  const { total, passed, failed, errors } = record.summary;
  return total > 0 && failed === 0 && errors === 0 && passed === total;
}

/** The e-mail of a git identity "Name <email>", lower-cased for comparison; null if there is none. */
export function identityEmail(identity: string): string | null {
  const match = /<([^<>]*)>\s*$/.exec(identity);
  const email = match?.[1]?.trim().toLowerCase();
  return email ? email : null;
}
