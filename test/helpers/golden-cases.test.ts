import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  ASSERTION_CASE,
  JUDGE_REPLY_CASE,
  loadCaseFiles,
  loadCaseLists,
  RENDER_CASE,
} from "./golden-cases.js";

/** A golden case that states no expectation would pass without checking anything: refused. */
let folder: string | undefined;
afterEach(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

function caseFolder(files: Record<string, string>): URL {
  folder = mkdtempSync(join(tmpdir(), "promptops-golden-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return pathToFileURL(`${folder}/`);
}

const RENDER_HEAD = "name: greets\nfiles: { prompts/a.prompt.yaml: 'messages: []' }\nid: a\n";

describe("golden-case loaders", () => {
  it("refuse a render case whose expectation key is misspelt", () => {
    const dir = caseFolder({ "greets.yaml": `${RENDER_HEAD}expct: [{ role: user, content: hi }]\n` });
    expect(() => loadCaseFiles(dir, RENDER_CASE)).toThrow('greets.yaml: unknown key "expct"');
  });

  it("refuse a render case with no expectation at all", () => {
    const dir = caseFolder({ "greets.yaml": RENDER_HEAD });
    expect(() => loadCaseFiles(dir, RENDER_CASE)).toThrow("greets.yaml: the case states no expectation");
  });

  it("refuse a misspelt key inside an expected error", () => {
    const dir = caseFolder({ "fails.yaml": `${RENDER_HEAD}expectError: { exitCode: 1, mesage: x }\n` });
    expect(() => loadCaseFiles(dir, RENDER_CASE)).toThrow('fails.yaml: expectError: unknown key "mesage"');
  });

  it("refuse a case of a list that states no expectation, naming its place", () => {
    const dir = caseFolder({
      "replies.yaml": "- { name: ok, reply: '{}', problem: [x] }\n- { name: silent, reply: '{}' }\n",
    });
    expect(() => loadCaseLists(dir, JUDGE_REPLY_CASE)).toThrow(
      "replies.yaml[1]: the case states no expectation",
    );
  });

  it("refuse an assertion case whose expectation omits pass", () => {
    const dir = caseFolder({
      "a.yaml": "- { name: n, assert: { contains: x }, output: x, expect: { score: 1 } }\n",
    });
    expect(() => loadCaseLists(dir, ASSERTION_CASE)).toThrow('a.yaml[0]: expect: missing key "pass"');
  });

  it("load a well-formed case with its file name", () => {
    const dir = caseFolder({ "greets.yaml": `${RENDER_HEAD}expect: []\n` });
    expect(loadCaseFiles(dir, RENDER_CASE)).toEqual([
      {
        file: "greets.yaml",
        name: "greets",
        files: { "prompts/a.prompt.yaml": "messages: []" },
        id: "a",
        expect: [],
      },
    ]);
  });
});
