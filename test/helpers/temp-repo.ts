import { spawn } from "node:child_process";
import { appendFile, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { devNull, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

export interface TempRepo extends AsyncDisposable {
  /** The working tree (symlinks resolved, as git reports it), on branch `main`. */
  readonly root: string;
  /** The temporary directory holding `root`, its fake HOME and any remotes or clones. */
  readonly dir: string;
  /** Run git in `root` and return stdout. */
  git(...args: string[]): Promise<string>;
  /** Run git anywhere (a clone, a remote) with the same isolated environment. */
  gitIn(cwd: string, args: string[], input?: string | Uint8Array): Promise<string>;
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Stage everything and commit; returns the new commit's sha. */
  commit(message: string): Promise<string>;
  /** Feed a `git fast-import` stream: hundreds of commits or tags with one process. */
  fastImport(stream: string): Promise<void>;
  /** A bare repository added as remote `name` with a file:// URL, so push really pushes. */
  makeBareRemote(name?: string): Promise<{ path: string; url: string }>;
  cleanup(): Promise<void>;
}

// Variables that would point git at another repository or identity than the temp one,
// e.g. when the test suite itself runs from a git hook.
const LEAKING_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_PREFIX",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_AUTHOR_NAME",
  "GIT_AUTHOR_EMAIL",
  "GIT_AUTHOR_DATE",
  "GIT_COMMITTER_NAME",
  "GIT_COMMITTER_EMAIL",
  "GIT_COMMITTER_DATE",
];

/**
 * The code under test runs git with process.env, so the isolation has to be there too:
 * no user or system config (aliases, hooks paths, signing, tag.sort...), no identity from
 * the environment, and repository discovery that stops at the temp directory. Vitest
 * runs each test file in its own process, so this does not leak between files.
 */
async function isolateProcessEnv(): Promise<void> {
  for (const name of LEAKING_VARS) delete process.env[name];
  process.env.GIT_CONFIG_GLOBAL = devNull;
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.GIT_CEILING_DIRECTORIES = await realpath(tmpdir());
}

const LOCAL_CONFIG = `[user]
\tname = Ada Tester
\temail = ada@example.test
[commit]
\tgpgSign = false
[tag]
\tgpgSign = false
[gc]
\tauto = 0
[core]
\t# The user's global ignore and attributes files live under XDG_CONFIG_HOME, which
\t# GIT_CONFIG_GLOBAL does not cover.
\texcludesFile = ${devNull}
\tattributesFile = ${devNull}
\tautocrlf = false
`;

/** `objectFormat: "sha256"`: a repository whose object ids are 64 hex digits (git init --object-format). */
export async function makeTempRepo(options: { objectFormat?: "sha1" | "sha256" } = {}): Promise<TempRepo> {
  await isolateProcessEnv();
  const dir = await realpath(await mkdtemp(join(tmpdir(), "promptops-git-")));
  const root = join(dir, "repo");
  const home = join(dir, "home");
  await mkdir(home);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" };
  const gitIn = (cwd: string, args: string[], input?: string | Uint8Array) => run(cwd, args, env, input);

  const format = options.objectFormat ? [`--object-format=${options.objectFormat}`] : [];
  await gitIn(dir, ["init", "--quiet", "--initial-branch=main", ...format, root]);
  // One file write instead of six `git config` processes: spawns are what make git tests slow.
  await appendFile(join(root, ".git", "config"), LOCAL_CONFIG);

  let removed = false;
  const cleanup = async () => {
    if (removed) return;
    removed = true;
    await rm(dir, { recursive: true, force: true });
  };

  return {
    root,
    dir,
    git: (...args) => gitIn(root, args),
    gitIn,
    async write(path, content) {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    },
    async commit(message) {
      await gitIn(root, ["add", "--all"]);
      await gitIn(root, ["commit", "--quiet", "--allow-empty", "--message", message]);
      return (await gitIn(root, ["rev-parse", "HEAD"])).trim();
    },
    async fastImport(stream) {
      await gitIn(root, ["fast-import", "--quiet"], stream);
    },
    async makeBareRemote(name = "origin") {
      const path = join(dir, `${name}.git`);
      await gitIn(dir, ["init", "--quiet", "--bare", path]);
      const url = pathToFileURL(path).href;
      await gitIn(root, ["remote", "add", name, url]);
      return { path, url };
    },
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}

function run(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string | Uint8Array,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const stdout = Buffer.concat(out).toString("utf8");
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `test helper: git ${args.join(" ")} exited ${code}: ${Buffer.concat(err).toString("utf8")}`,
          ),
        );
    });
    child.stdin?.end(input);
  });
}
