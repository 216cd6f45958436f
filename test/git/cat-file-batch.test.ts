import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CatFileBatch,
  GitError,
  gitProcessCount,
  readFilesAtCommits,
  resetGitProcessCount,
} from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

const text = (content: Buffer | undefined) => content?.toString("utf8");

describe("reading blobs through one cat-file --batch", () => {
  it("reads 300 files at 30 different commits with exactly one git process", async () => {
    // 30 commits, each rewriting 10 prompt files, imported in one go.
    const content = (commit: number, file: number) => `version ${commit} of prompt ${file}\n`;
    const stream: string[] = [];
    for (let c = 0; c < 30; c++) {
      stream.push(
        `commit refs/heads/main\ncommitter Ada Tester <ada@example.test> ${1_700_000_000 + c} +0000\n`,
        `data 9\ncommit ${String(c).padStart(2, "0")}\n`,
      );
      for (let f = 0; f < 10; f++) {
        const data = content(c, f);
        stream.push(`M 100644 inline prompts/p${f}.prompt.yaml\ndata ${Buffer.byteLength(data)}\n${data}\n`);
      }
    }
    await repo.fastImport(stream.join(""));
    const commits = (await repo.git("rev-list", "--reverse", "main")).trim().split("\n");
    expect(commits).toHaveLength(30);
    const requests = commits.flatMap((commit) =>
      Array.from({ length: 10 }, (_, f) => ({ commit, path: `prompts/p${f}.prompt.yaml` })),
    );

    resetGitProcessCount();
    const blobs = await readFilesAtCommits(repo.root, requests);

    expect(gitProcessCount()).toBe(1);
    expect(blobs).toHaveLength(300);
    expect(blobs.map((blob) => text(blob?.content))).toEqual(
      requests.map((_, i) => content(Math.floor(i / 10), i % 10)),
    );
    expect(blobs.every((blob) => blob?.type === "blob")).toBe(true);
  });

  it("answers null for a path or object that does not exist, and keeps answering", async () => {
    await repo.write("prompts/a.prompt.yaml", "a\n");
    const commit = await repo.commit("a");
    await using batch = new CatFileBatch(repo.root);

    expect(await batch.read(`${commit}:prompts/missing.prompt.yaml`)).toBeNull();
    expect(await batch.read("0123456789012345678901234567890123456789")).toBeNull();
    expect(await batch.read("no-such-branch:prompts/a.prompt.yaml")).toBeNull();
    expect(text((await batch.read(`${commit}:prompts/a.prompt.yaml`))?.content)).toBe("a\n");
  });

  it("returns binary content, newlines and the text ' missing' byte for byte", async () => {
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const tricky = "line one\nHEAD:prompts/x missing\n\n0123456789012345678901234567890123456789 blob 3\n\n";
    await repo.write("assets/logo.bin", binary);
    await repo.write("prompts/tricky.txt", tricky);
    await repo.write("prompts/empty.txt", "");
    await repo.write("prompts/notes missing", "a path that ends in ' missing'\n");
    const commit = await repo.commit("tricky content");

    const [logo, trickyBlob, empty, notes, absent] = await readFilesAtCommits(repo.root, [
      { commit, path: "assets/logo.bin" },
      { commit, path: "prompts/tricky.txt" },
      { commit, path: "prompts/empty.txt" },
      { commit, path: "prompts/notes missing" },
      { commit, path: "prompts/x" },
    ]);

    expect(logo?.content.equals(binary)).toBe(true);
    expect(logo?.size).toBe(512);
    expect(text(trickyBlob?.content)).toBe(tricky);
    expect(empty).toMatchObject({ type: "blob", size: 0 });
    expect(empty?.content.length).toBe(0);
    expect(text(notes?.content)).toBe("a path that ends in ' missing'\n");
    expect(absent).toBeNull();
  });

  it("reads a blob larger than one pipe buffer", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, "abc\n");
    await repo.write("big.txt", big);
    const commit = await repo.commit("big");

    const [blob] = await readFilesAtCommits(repo.root, [{ commit, path: "big.txt" }]);
    expect(blob?.content.equals(big)).toBe(true);
  });

  it("reads objects by sha and reports their type", async () => {
    const commit = await repo.commit("empty");
    await using batch = new CatFileBatch(repo.root);
    const object = await batch.read(commit);
    expect(object?.type).toBe("commit");
    expect(text(object?.content)).toContain("committer Ada Tester <ada@example.test>");
  });

  it("answers reads already asked when closed, then refuses new ones", async () => {
    await repo.write("a.txt", "a\n");
    const commit = await repo.commit("a");
    const batch = new CatFileBatch(repo.root);
    const pending = [batch.read(`${commit}:a.txt`), batch.read(`${commit}:b.txt`)];
    await batch.close();

    expect((await Promise.all(pending)).map((blob) => text(blob?.content))).toEqual(["a\n", undefined]);
    await expect(batch.read(`${commit}:a.txt`)).rejects.toThrow("after close()");
  });

  it("refuses a name with a line break, which the protocol cannot carry", async () => {
    await using batch = new CatFileBatch(repo.root);
    await expect(batch.read("HEAD:a\nb")).rejects.toThrow("line break");
  });

  it("rejects with GitError when the directory is not a repository", async () => {
    const plain = join(repo.dir, "plain");
    await mkdir(plain);
    const batch = new CatFileBatch(plain);

    const error = await batch.read("HEAD:a.txt").catch((e: unknown) => e);
    await batch.close();

    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).args).toEqual(["cat-file", "--batch"]);
    expect((error as GitError).stderr).toContain("not a git repository");
  });

  it("says so when the directory does not exist", async () => {
    const missing = join(repo.dir, "no-such-dir");
    const error = await readFilesAtCommits(missing, [{ commit: "HEAD", path: "a" }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain(`directory does not exist: ${missing}`);
  });

  it("starts no process for no requests", async () => {
    resetGitProcessCount();
    expect(await readFilesAtCommits(repo.root, [])).toEqual([]);
    expect(gitProcessCount()).toBe(0);
  });
});
