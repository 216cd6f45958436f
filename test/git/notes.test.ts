import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendNote, CatFileBatch, readNotes } from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

const REF = "refs/notes/promptops";
let repo: TempRepo;
let commit: string;
beforeAll(async () => {
  repo = await makeTempRepo();
  commit = await repo.commit("first");
});
afterAll(async () => {
  await repo.cleanup();
});

describe("git notes under refs/notes/promptops", () => {
  it("no notes ref yet reads as no notes", async () => {
    const batch = new CatFileBatch(repo.root);
    expect(await readNotes(repo.root, REF, batch)).toEqual(new Map());
    await batch.close();
  });

  it("records appended at the same moment by several writers are all kept", async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `{"record":${i}}`);
    await Promise.all(lines.map((line) => appendNote(repo.root, REF, commit, `${line}\n`)));

    const batch = new CatFileBatch(repo.root);
    const note = (await readNotes(repo.root, REF, batch)).get(commit) ?? "";
    await batch.close();
    expect(note.split("\n").filter(Boolean).sort()).toEqual([...lines].sort());
    // No scratch ref is left behind.
    expect(await repo.git("for-each-ref", "--format=%(refname)", "refs/notes/")).toBe(`${REF}\n`);
  });
});
