import { describe, expect, it } from "vitest";
import { judgeProtection } from "../../src/governance/protection.js";
import type { ApprovalRecord, TestRecord } from "../../src/governance/records.js";
import type { PublishedVersion } from "../../src/versions/version-index.js";

const HASH = `sha256:${"b".repeat(64)}`;
const version: PublishedVersion = {
  id: "support",
  version: 3,
  tag: "prompt/support/v3",
  commit: "c".repeat(40),
  tagObject: "d".repeat(40),
  hash: HASH,
  tagger: { name: "Ann", email: "ann@acme.io", date: "2026-12-05T04:00:00Z" },
  reason: "",
};
const base = { prompt: "support", version: 3, hash: HASH, at: "2026-12-05T04:00:00Z" };
const approval = (by: string): ApprovalRecord => ({ kind: "approval", ...base, by });
const passed: TestRecord = {
  kind: "test",
  ...base,
  by: "CI <ci@acme.io>",
  providers: ["openai:gpt-4o-mini"],
  summary: { total: 3, passed: 3, failed: 0, errors: 0 },
};
const judge = (records: Array<TestRecord | ApprovalRecord>, approvals = 2) =>
  judgeProtection({
    env: "production",
    rule: { tests: true, approvals },
    version,
    records,
    owners: ["@acme/support", "Carol@Acme.io"],
    handles: { "@acme/support": ["ann@acme.io", "bob@acme.io"] },
  }).missing;

describe("what a protected environment requires", () => {
  it("two distinct owners, by handle or by e-mail in any case, and a passing test: nothing missing", () => {
    expect(judge([passed, approval("Bob <BOB@acme.io>"), approval("Carol <carol@acme.io>")])).toEqual([]);
  });

  it("the tagger, a non-owner and the same owner twice do not add up", () => {
    const missing = judge([
      passed,
      approval("Ann <ann@acme.io>"),
      approval("Mallory <mallory@evil.test>"),
      approval("Bob <bob@acme.io>"),
      approval("Bob again <bob@acme.io>"),
    ]);
    expect(missing).toEqual([
      expect.stringMatching(
        /^1 more approval by an owner who is not the tagger ann@acme.io \(1 of 2 counted/,
      ),
    ]);
  });

  it("a failing test record is not a passing one", () => {
    const failed: TestRecord = { ...passed, summary: { total: 3, passed: 2, failed: 1, errors: 0 } };
    expect(judge([failed], 0)).toEqual(["a passing test record"]);
  });
});
