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
