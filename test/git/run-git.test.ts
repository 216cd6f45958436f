import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitError, gitProcessCount, resetGitProcessCount, runGit } from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

describe("runGit", () => {
  let repo: TempRepo;
  beforeEach(async () => {
    repo = await makeTempRepo();
  });
  afterEach(async () => {
    await repo.cleanup();
  });

  it("rejects a failed command with a GitError carrying args, stderr, exit code and cwd", async () => {
    const error = await runGit(repo.root, ["rev-parse", "--verify", "no-such-branch"]).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(GitError);
    const gitError = error as GitError;
    expect(gitError.args).toEqual(["rev-parse", "--verify", "no-such-branch"]);
    expect(gitError.exitCode).toBe(128);
    expect(gitError.cwd).toBe(repo.root);
    expect(gitError.stderr).toContain("fatal: Needed a single revision");
    expect(gitError.message).toBe(
      "git rev-parse --verify no-such-branch failed with exit code 128: fatal: Needed a single revision",
    );
  });

  it("feeds input on stdin", async () => {
    const sha = await runGit(repo.root, ["hash-object", "--stdin"], { input: "hello\n" });
    expect(sha).toBe("ce013625030ba8dba906f756967f9e9ca394464a\n");
  });

  it("counts every git process it starts, for the benchmarks", async () => {
    resetGitProcessCount();
    await runGit(repo.root, ["rev-parse", "--git-dir"]);
    await runGit(repo.root, ["status"]);
    await runGit(repo.root, ["bogus-command"]).catch(() => {});
    expect(gitProcessCount()).toBe(3);
  });

  it("works in the directory it is given even when run from a git hook that exported GIT_DIR", async () => {
    const other = await makeTempRepo();
    process.env.GIT_DIR = join(other.root, ".git");
    process.env.GIT_INDEX_FILE = join(other.root, ".git", "index");
    try {
      expect(await runGit(repo.root, ["rev-parse", "--show-toplevel"])).toBe(`${repo.root}\n`);
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_INDEX_FILE;
      await other.cleanup();
    }
  });

  it("says so when the directory does not exist, instead of blaming a missing git", async () => {
    const missing = join(repo.dir, "no-such-dir");
    const error = await runGit(missing, ["status"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).exitCode).toBeNull();
    expect((error as GitError).message).toContain(`directory does not exist: ${missing}`);
  });

  it("never stops to ask for a password: a remote that wants credentials fails at once", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="private"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await runGit(repo.root, ["ls-remote", `http://127.0.0.1:${port}/private.git`]).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).stderr).toContain("terminal prompts disabled");
    } finally {
      server.close();
    }
  });
});
