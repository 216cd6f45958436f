/** Where in a user's file a problem is. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

/** 1: the check found problems (invalid files, failing tests). 2: usage or environment error. */
export type ExitCode = 1 | 2;

// BEGIN error codes (scripted: keep sorted, one line each)
/** Every PromptOpsError code, with the exit code it maps to unless a throw site says otherwise. */
export const ERROR_CODES = {
  "bad-baseline": 2,
  "bad-flag": 2,
  "bad-shard": 2,
  "bad-since-ref": 2,
  "bad-time": 2,
  "bad-version-ref": 2,
  "codeowners-markers": 1,
  "config-invalid": 2,
  "cwd-not-found": 2,
  "detached-head": 2,
  "export-not-expressible": 1,
  "export-would-overwrite": 2,
  "extract-bad-id": 2,
  "extract-path-not-found": 2,
  "extract-typescript-missing": 2,
  "extract-would-overwrite": 2,
  "import-source-invalid": 1,
  "import-source-unreadable": 2,
  "import-would-overwrite": 2,
  "include-cycle": 1,
  "include-not-literal": 1,
  "include-unparsed": 1,
  "init-settings-unreadable": 2,
  "init-would-overwrite": 2,
  "invalid-variables": 1,
  "judge-prompt-invalid": 2,
  "judge-prompt-variables": 2,
  "listen-failed": 2,
  "keygen-would-overwrite": 2,
  "lock-failed": 1,
  "lockfile-busy": 2,
  "lockfile-changed": 2,
  "lockfile-fetch-failed": 2,
  "lockfile-invalid": 1,
  "lockfile-not-a-file": 2,
  "lockfile-not-found": 2,
  "lockfile-signature-invalid": 1,
  "lockfile-too-large": 2,
  "lockfile-unreadable": 2,
  "lockfile-wrong-project": 1,
  "lockfile-unsigned": 1,
  "lockfile-wrong-key": 1,
  "logs-not-found": 2,
  "merge-baseline-mismatch": 2,
  "merge-duplicate": 2,
  "merge-invalid": 2,
  "merge-nothing": 2,
  "merge-shard-missing": 2,
  "merge-shard-repeated": 2,
  "merge-unreadable": 2,
  "no-commits": 2,
  "no-embeddings": 2,
  "no-judge": 2,
  "no-previous": 2,
  "no-prompt-files": 1,
  "not-a-git-repo": 2,
  "not-active": 2,
  "nothing-to-test": 1,
  "observe-options-invalid": 2,
  "observe-write-failed": 2,
  "otel-missing": 2,
  "output-ambiguous": 2,
  "output-conflict": 2,
  "over-budget": 2,
  "pairwise-without-baseline": 2,
  "partial-unusable": 1,
  "path-not-found": 2,
  "path-not-prompt": 2,
  "previous-not-in-history": 1,
  "promote-not-active": 2,
  "promote-nothing": 2,
  "promote-same-env": 2,
  "prompt-invalid": 1,
  "protection-unmet": 1,
  "provider-credentials": 2,
  "provider-invalid": 2,
  "provider-sdk-missing": 2,
  "publish-failed": 2,
  "publish-invalid": 1,
  "render-failed": 1,
  "report-write-failed": 2,
  "reporter-unknown": 2,
  "rewrite-refused": 1,
  "rewrite-write-failed": 2,
  "runtime-options-invalid": 2,
  "shallow-clone": 2,
  "signing-key-invalid": 2,
  "signing-key-missing": 2,
  "tag-exists": 1,
  "tag-name-invalid": 1,
  "template-syntax": 1,
  "template-unsafe": 1,
  "test-vars-invalid": 1,
  "tokenizer-missing": 2,
  "uncommitted-changes": 2,
  "unknown-environment": 2,
  "unknown-prompt": 2,
  "unknown-version": 2,
  "unpriced-model": 2,
  "var-syntax": 2,
  "vars-file-invalid": 1,
  "vars-file-missing": 2,
  "version-tampered": 1,
  "version-unreadable": 1,
} as const satisfies Record<string, ExitCode>;
// END error codes

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PromptOpsErrorOptions {
  hint?: string;
  location?: SourceLocation;
  exitCode?: ExitCode;
  cause?: unknown;
}

/**
 * A user error, not a bug: the top-level handler prints it as one line (plus the hint) and
 * exits with its code, with no stack trace unless --debug.
 */
export class PromptOpsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options: PromptOpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromptOpsError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? ERROR_CODES[code];
  }
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return "";
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.col !== undefined) text += `:${location.col}`;
  }
  return text;
}
