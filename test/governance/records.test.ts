import { describe, expect, it } from "vitest";
import {
  type ApprovalRecord,
  appendRecord,
  identityEmail,
  isPassingTest,
  parseNote,
  serializeRecord,
  type TestRecord,
} from "../../src/governance/records.js";

const HASH = `sha256:${"a".repeat(64)}`;
const test: TestRecord = {
  kind: "test",
  prompt: "billing/refund",
  version: 3,
  hash: HASH,
  by: "Ann <ann@acme.io>",
  at: "2026-12-05T04:00:00.000Z",
  providers: ["openai:gpt-4o-mini"],
  summary: { total: 2, passed: 2, failed: 0, errors: 0 },
};
const approval: ApprovalRecord = {
  kind: "approval",
  prompt: "billing/refund",
  version: 3,
  hash: HASH,
  by: "Bob <Bob@Acme.io>",
  at: "2026-12-05T04:01:00.000Z",
  reason: "reviewed the refund wording",
};

describe("records in a note", () => {
  it("a test record and an approval read back as written, one line each", () => {
    const note = appendRecord(appendRecord("", test), approval);
    expect(note.split("\n")).toHaveLength(3);
    expect(parseNote("c0ffee", note)).toEqual({ records: [test, approval], problems: [] });
  });

  it("the blank lines git notes append puts between blocks are skipped", () => {
    const note = `${serializeRecord(test)}\n\n${serializeRecord(approval)}\n`;
    expect(parseNote("c0ffee", note).records).toEqual([test, approval]);
  });

  it("lines that are not records are problems with their line, and never records", () => {
    const forged = JSON.stringify({ ...JSON.parse(serializeRecord(approval)), hash: "sha256:short" });
    const note = ["{not json", serializeRecord(test), forged, '{"promptops":2,"kind":"approval"}', "[]"].join(
      "\n",
    );
    const { records, problems } = parseNote("c0ffee", note);
    expect(records).toEqual([test]);
    expect(problems).toEqual([
      { commit: "c0ffee", line: 1, message: "not a JSON record" },
      { commit: "c0ffee", line: 3, message: "hash is not a sha256: hash" },
      { commit: "c0ffee", line: 4, message: "unknown record format 2" },
      { commit: "c0ffee", line: 5, message: "not a JSON object" },
    ]);
  });

  it("a test record passes only when every case passed", () => {
    expect(isPassingTest(test)).toBe(true);
    expect(isPassingTest({ ...test, summary: { total: 2, passed: 1, failed: 0, errors: 1 } })).toBe(false);
    expect(isPassingTest({ ...test, summary: { total: 0, passed: 0, failed: 0, errors: 0 } })).toBe(false);
  });

  it("an identity's e-mail is compared without case", () => {
    expect(identityEmail("Bob <Bob@Acme.io>")).toBe("bob@acme.io");
    expect(identityEmail("no email")).toBeNull();
  });
});
