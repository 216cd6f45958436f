import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitProcessCount, resetGitProcessCount, trackedFiles } from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(() => repo.cleanup());

describe("which files git tracks under some folders", () => {
  it("lists them relative to the folder asked from, with one git process however many there are", async () => {
    await repo.write("app/.gitignore", ".promptops/\n");
    for (let i = 0; i < 50; i++) await repo.write(`app/.promptops/cache/${i}.json`, "{}");
    await repo.write("app/.promptops/runs/untracked.json", "{}");
    await repo.write("app/cache[1]/a b.json", "{}");
    await repo.write("app/cache1/not-this.json", "{}");
    await repo.gitIn(repo.root, ["add", "--force", "app/.promptops/cache", "app/cache[1]", "app/cache1"]);
    await repo.commit("local state, committed");
    resetGitProcessCount();
    const app = join(repo.root, "app");
    const files = await trackedFiles(app, [".promptops", "cache[1]"]);
    expect(gitProcessCount()).toBe(1);
    // A folder named with glob characters means that folder, not a pattern matching cache1.
    expect(files?.filter((f) => !f.startsWith(".promptops/cache/"))).toEqual(["cache[1]/a b.json"]);
    expect(files).toHaveLength(51);
  });

  it("is null outside any repository, and empty for folders git has nothing of", async () => {
    const plain = join(repo.dir, "plain");
    await mkdir(plain);
    expect(await trackedFiles(plain, [".promptops"])).toBeNull();
    expect(await trackedFiles(repo.root, [".promptops"])).toEqual([]);
  });
});
