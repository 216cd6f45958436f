/** Where in a user's file a problem is. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

/** 1: the check found problems (invalid files, failing tests). 2: usage or environment error. */
export type ExitCode = 1 | 2;

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
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: PromptOpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromptOpsError";
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? 2;
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
