import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  currentBranch,
  findRepoRoot,
  GitError,
  gitProcessCount,
  headCommit,
  identity,
  isShallow,
  lastCommitTouching,
  type PathStatus,
  pathsChangedSince,
  remoteUrl,
  resetGitProcessCount,
  statusOfPaths,
} from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

const byPath = (statuses: PathStatus[]) => Object.fromEntries(statuses.map((s) => [s.path, s.code]));

describe("finding the repository", () => {
  it("finds the top of the working tree from a subdirectory", async () => {
    await mkdir(join(repo.root, "prompts", "billing"), { recursive: true });
    expect(await findRepoRoot(join(repo.root, "prompts", "billing"))).toBe(repo.root);
  });

  it("answers null outside any repository", async () => {
    const plain = join(repo.dir, "plain");
    await mkdir(plain);
    expect(await findRepoRoot(plain)).toBeNull();
  });

  it("knows a fresh repository has no commit yet, then follows HEAD and the branch", async () => {
    expect(await headCommit(repo.root)).toBeNull();
    expect(await currentBranch(repo.root)).toBe("main");

    const first = await repo.commit("first");
    expect(await headCommit(repo.root)).toBe(first);

    await repo.commit("second");
    await repo.git("checkout", "--quiet", "--detach", first);
    expect(await headCommit(repo.root)).toBe(first);
    expect(await currentBranch(repo.root)).toBeNull();
  });

  it("reports the identity git would record on a tag", async () => {
    expect(await identity(repo.root)).toBe("Ada Tester <ada@example.test>");
  });

  it("detects a shallow clone, whose history and tags may be incomplete", async () => {
    await repo.commit("one");
    await repo.commit("two");
    const clone = join(repo.dir, "shallow");
    await repo.gitIn(repo.dir, ["clone", "--quiet", "--depth", "1", `file://${repo.root}`, clone]);

    expect(await isShallow(repo.root)).toBe(false);
    expect(await isShallow(clone)).toBe(true);
  });

  it("reads the remote URL, or null when there is no such remote", async () => {
    expect(await remoteUrl(repo.root)).toBeNull();
    const { url } = await repo.makeBareRemote();
    expect(await remoteUrl(repo.root)).toBe(url);
    expect(await remoteUrl(repo.root, "upstream")).toBeNull();
  });
});

describe("statusOfPaths", () => {
  beforeEach(async () => {
    await repo.write(".gitignore", "*.secret\n");
    const files = [
      "clean.prompt.yaml",
      "edited.prompt.yaml",
      "staged.prompt.yaml",
      "gone.njk",
      "removed.njk",
      "odd[1].njk",
    ];
    for (const file of files) {
      await repo.write(`prompts/${file}`, `${file}\n`);
    }
    await repo.commit("prompts");
  });

  it("reports modified, staged, untracked, deleted and ignored files, and leaves clean ones out", async () => {
    await repo.write("prompts/edited.prompt.yaml", "changed\n");
    await repo.write("prompts/staged.prompt.yaml", "changed\n");
    await repo.git("add", "prompts/staged.prompt.yaml");
    await repo.write("prompts/new/draft.prompt.yaml", "new\n");
    await rm(join(repo.root, "prompts/gone.njk"));
    await repo.git("rm", "--quiet", "prompts/removed.njk");
    await repo.write("prompts/key.secret", "ignored\n");

    resetGitProcessCount();
    const statuses = await statusOfPaths(repo.root, ["prompts"]);

    expect(gitProcessCount()).toBe(1);
    expect(byPath(statuses)).toEqual({
      "prompts/edited.prompt.yaml": " M",
      "prompts/staged.prompt.yaml": "M ",
      "prompts/gone.njk": " D",
      "prompts/removed.njk": "D ",
      "prompts/new/draft.prompt.yaml": "??",
      "prompts/key.secret": "!!",
    });
    const edited = statuses.find((s) => s.path === "prompts/edited.prompt.yaml");
    expect(edited).toMatchObject({ modified: true, staged: false, untracked: false });
    const staged = statuses.find((s) => s.path === "prompts/staged.prompt.yaml");
    expect(staged).toMatchObject({ modified: false, staged: true });
    expect(statuses.find((s) => s.path === "prompts/new/draft.prompt.yaml")).toMatchObject({
      untracked: true,
    });
    expect(statuses.find((s) => s.path === "prompts/key.secret")).toMatchObject({ ignored: true });
    expect(statuses.find((s) => s.path === "prompts/gone.njk")).toMatchObject({
      deleted: true,
      modified: true,
    });
    expect(statuses.find((s) => s.path === "prompts/removed.njk")).toMatchObject({
      deleted: true,
      staged: true,
    });
  });

  it("asks only about the given paths, taken literally, never as globs", async () => {
    await repo.write("prompts/odd1.njk", "would match the glob odd[1].njk\n");
    await repo.write("prompts/edited.prompt.yaml", "changed\n");

    expect(await statusOfPaths(repo.root, ["prompts/odd[1].njk", "prompts/clean.prompt.yaml"])).toEqual([]);
    expect(byPath(await statusOfPaths(repo.root, ["prompts/edited.prompt.yaml"]))).toEqual({
      "prompts/edited.prompt.yaml": " M",
    });
  });

  it("gives the same answer for more paths than fit on a command line", async () => {
    await repo.write("prompts/edited.prompt.yaml", "changed\n");
    const many = Array.from(
      { length: 2000 },
      (_, i) => `prompts/not/there/${"x".repeat(20)}-${i}.prompt.yaml`,
    );

    const statuses = await statusOfPaths(repo.root, [
      ...many,
      "prompts/edited.prompt.yaml",
      "prompts/clean.prompt.yaml",
    ]);
    expect(byPath(statuses)).toEqual({ "prompts/edited.prompt.yaml": " M" });
  });

  it("reports a file inside an ignored directory as ignored, under the path asked about", async () => {
    await repo.write(".gitignore", "generated/\n");
    await repo.commit("ignore generated/");
    await repo.write("generated/out.prompt.yaml", "x\n");

    expect(byPath(await statusOfPaths(repo.root, ["generated/out.prompt.yaml"]))).toEqual({
      "generated/out.prompt.yaml": "!!",
    });
  });

  it("starts no process for no paths", async () => {
    resetGitProcessCount();
    expect(await statusOfPaths(repo.root, [])).toEqual([]);
    expect(gitProcessCount()).toBe(0);
  });
});

describe("history of paths", () => {
  it("finds the last commit that touched any of the paths, with its subject and body", async () => {
    await repo.write("prompts/a.prompt.yaml", "a1\n");
    await repo.write("prompts/partials/tone.njk", "t1\n");
    await repo.commit("Add prompts");
    await repo.write("prompts/partials/tone.njk", "t2\n");
    const toneCommit = await repo.commit("Soften the tone\n\nCustomers found it curt.\nSecond line.");
    await repo.write("README.md", "unrelated\n");
    await repo.commit("Docs");

    expect(
      await lastCommitTouching(repo.root, ["prompts/a.prompt.yaml", "prompts/partials/tone.njk"]),
    ).toEqual({
      sha: toneCommit,
      subject: "Soften the tone",
      body: "Customers found it curt.\nSecond line.",
    });
    expect(await lastCommitTouching(repo.root, ["prompts/never.prompt.yaml"])).toBeNull();
  });

  it("answers null on a branch with no commits yet", async () => {
    expect(await lastCommitTouching(repo.root, ["anything"])).toBeNull();
  });

  it("lists paths changed since a ref: committed, staged, unstaged, deleted and untracked", async () => {
    await repo.write("prompts/same.prompt.yaml", "same\n");
    await repo.write("prompts/committed.prompt.yaml", "1\n");
    await repo.write("prompts/staged.prompt.yaml", "1\n");
    await repo.write("prompts/edited.prompt.yaml", "1\n");
    await repo.write("prompts/deleted.prompt.yaml", "1\n");
    const base = await repo.commit("base");
    await repo.write("prompts/committed.prompt.yaml", "2\n");
    await repo.commit("later");
    await repo.write("prompts/staged.prompt.yaml", "2\n");
    await repo.git("add", "prompts/staged.prompt.yaml");
    await repo.write("prompts/edited.prompt.yaml", "2\n");
    await repo.git("rm", "--quiet", "prompts/deleted.prompt.yaml");
    await repo.write("prompts/untracked.prompt.yaml", "new\n");

    expect(await pathsChangedSince(repo.root, base)).toEqual([
      "prompts/committed.prompt.yaml",
      "prompts/deleted.prompt.yaml",
      "prompts/edited.prompt.yaml",
      "prompts/staged.prompt.yaml",
      "prompts/untracked.prompt.yaml",
    ]);
  });

  it("treats a --since value that looks like an option as a revision, not an option", async () => {
    await repo.commit("base");
    const outputFile = join(repo.dir, "written-by-git");

    const error = await pathsChangedSince(repo.root, `--output=${outputFile}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(existsSync(outputFile)).toBe(false);
  });
});
