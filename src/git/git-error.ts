/**
 * Every failed git call becomes a GitError, so callers have one thing to catch and can
 * decide from `exitCode` and `stderr` whether the failure means something (a missing
 * ref, a tag that already exists) or is an environment problem to report as is.
 * It is deliberately independent of PromptOpsError: the git layer does not know which
 * failures are the user's fault; the code that calls it does.
 */
export class GitError extends Error {
  /** The arguments after `git`, as the caller passed them (without our fixed global flags). */
  readonly args: string[];
  readonly cwd: string;
  readonly stdout: string;
  readonly stderr: string;
  /** null when git never ran (not installed, cwd missing) or was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;

  constructor(init: {
    args: string[];
    cwd: string;
    stdout?: string;
    stderr?: string;
    exitCode: number | null;
    signal?: NodeJS.Signals | null;
    message?: string;
    cause?: unknown;
  }) {
    const stderr = init.stderr ?? "";
    super(init.message ?? describe(init.args, init.exitCode, init.signal ?? null, stderr), {
      cause: init.cause,
    });
    this.name = "GitError";
    this.args = init.args;
    this.cwd = init.cwd;
    this.stdout = init.stdout ?? "";
    this.stderr = stderr;
    this.exitCode = init.exitCode;
    this.signal = init.signal ?? null;
  }
}

function describe(
  args: string[],
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): string {
  const how = signal ? `was killed by ${signal}` : `failed with exit code ${exitCode}`;
  // git explains itself in a "fatal:"/"error:" line; "hint:" lines around it are advice.
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("hint:"));
  const reason = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1);
  return `git ${args.join(" ")} ${how}${reason ? `: ${reason}` : ""}`;
}
