import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { GitError } from "./git-error.js";

export interface RunGitOptions {
  /** Written to git's stdin, which is otherwise closed so git can never wait on it. */
  input?: string | Uint8Array;
  /** Extra variables, applied last (they may re-add anything we strip). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

// Benchmarks report git processes per command; batching regressions show up here first.
let spawnedProcesses = 0;

export function gitProcessCount(): number {
  return spawnedProcesses;
}

export function resetGitProcessCount(): void {
  spawnedProcesses = 0;
}

/**
 * Variables that tell git which repository to use. Git exports them to hooks, so a
 * pre-commit hook running promptops (or `npm test`) would otherwise make every call act
 * on the hook's repository, whatever cwd we pass. Object-directory variables are kept:
 * in a pre-receive hook they point at the quarantine holding the pushed objects.
 */
const REPOSITORY_LOCATION_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_PREFIX",
];

export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REPOSITORY_LOCATION_VARS) delete env[name];
  // We parse messages ("missing", "does not have any commits yet") and must not get
  // them translated.
  env.LC_ALL = "C";
  // Never stop to ask for a username/password: fail, and let the error say why.
  env.GIT_TERMINAL_PROMPT = "0";
  // The same for Git Credential Manager, which otherwise opens its own prompts.
  env.GCM_INTERACTIVE = "never";
  // The only optional locks are the index refreshes `git status`/`diff` do as a side
  // effect. Our calls never need them, and taking them races with the user's own git
  // (an editor, a watcher) and can make their `git commit` fail on index.lock.
  env.GIT_OPTIONAL_LOCKS = "0";
  return { ...env, ...extra };
}

/**
 * Spawn git with our fixed environment, counting the process. For streaming protocols
 * (cat-file --batch); one-shot calls use runGit.
 */
export function spawnGit(
  cwd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin: "pipe" | "ignore"; signal?: AbortSignal },
): ChildProcess {
  spawnedProcesses++;
  // --no-pager: a user's core.pager or GIT_PAGER must never get between git and our pipe.
  return spawn("git", ["--no-pager", ...args], {
    cwd,
    env: gitEnv(opts.env),
    stdio: [opts.stdin, "pipe", "pipe"],
    windowsHide: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** Run one git command to completion; resolves with stdout, rejects with GitError. */
export function runGit(cwd: string, args: string[], opts: RunGitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");

    let child: ChildProcess;
    try {
      child = spawnGit(cwd, args, {
        stdin: opts.input === undefined ? "ignore" : "pipe",
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (cause) {
      // spawn throws synchronously for arguments it cannot pass, such as a NUL byte.
      reject(new GitError({ args, cwd, exitCode: null, message: `git ${args.join(" ")}: ${cause}`, cause }));
      return;
    }

    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (cause: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(
        new GitError({
          args,
          cwd,
          exitCode: null,
          stdout: text(stdout),
          stderr: text(stderr),
          message: spawnFailureMessage(args, cwd, cause),
          cause,
        }),
      );
    });
    child.on("close", (exitCode, signal) => {
      if (settled) return;
      settled = true;
      if (exitCode === 0) {
        resolve(text(stdout));
        return;
      }
      reject(new GitError({ args, cwd, stdout: text(stdout), stderr: text(stderr), exitCode, signal }));
    });

    if (opts.input !== undefined && child.stdin) {
      // git may exit before reading all its input (say, a tag that already exists); its
      // exit status explains that better than the EPIPE we would get here.
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Why git did not start, for a GitError's message. */
export function spawnFailureMessage(args: string[], cwd: string, cause: NodeJS.ErrnoException): string {
  const command = `git ${args.join(" ")}`;
  // Node reports a missing cwd as ENOENT for "git" itself; tell the two apart.
  if (cause.code === "ENOENT") {
    return existsSync(cwd)
      ? `${command}: git is not installed or not on PATH`
      : `${command}: directory does not exist: ${cwd}`;
  }
  return `${command}: ${cause.message}`;
}
