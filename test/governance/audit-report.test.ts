import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditPeriodReport } from "../../src/environments/audit-report.js";
import { type GovernanceRecord, serializeRecord } from "../../src/governance/records.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

const ANN = { GIT_COMMITTER_NAME: "Ann Author", GIT_COMMITTER_EMAIL: "ann@acme.io" };
const BOB = { GIT_COMMITTER_NAME: "Bob Approver", GIT_COMMITTER_EMAIL: "bob@acme.io" };
const ROLLBACK_REASON = '=HYPERLINK("http://evil.test","v2 is rude")';

function supportPrompt(tone: string): string {
  return [
    'owners: ["@acme/support", "bob@acme.io"]',
    "model: { provider: openai, name: gpt-4o-mini }",
    "messages:",
    "  - role: system",
    `    content: You answer customers. ${tone}`,
    "",
  ].join("\n");
}

let repo: TempRepo;
const commits: Record<string, string> = {};
const hashes: Record<number, string> = {};

/** Run promptops as `who` at `date` (tags and lockfile entries take git's committer identity and date). */
async function promptops(who: NodeJS.ProcessEnv, date: string, ...args: string[]): Promise<string> {
  const result = await runCli(args, { cwd: repo.root, env: { ...who, GIT_COMMITTER_DATE: date } });
  if (result.code !== 0)
    throw new Error(`test setup: promptops ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Commit everything as `who` at `date`. */
async function commitAt(who: NodeJS.ProcessEnv, message: string, date: string): Promise<string> {
  await repo.git("add", "--all");
  const env = {
    ...process.env,
    HOME: join(repo.dir, "home"),
    ...who,
    GIT_AUTHOR_NAME: who.GIT_COMMITTER_NAME,
    GIT_AUTHOR_EMAIL: who.GIT_COMMITTER_EMAIL,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  await promisify(execFile)("git", ["commit", "--quiet", "--message", message], { cwd: repo.root, env });
  return (await repo.git("rev-parse", "HEAD")).trim();
}

/** A record as `promptops approve` / `promptops test --version` write it: a line of the note on the tag commit. */
async function addRecord(record: GovernanceRecord): Promise<void> {
  const commit = (await repo.git("rev-parse", `prompt/${record.prompt}/v${record.version}^{commit}`)).trim();
  await repo.git("notes", "--ref=promptops", "append", "-m", serializeRecord(record), commit);
}

async function tagHash(version: number): Promise<string> {
  const message = await repo.git(
    "for-each-ref",
    "--format=%(contents)",
    `refs/tags/prompt/support/v${version}`,
  );
  return /^Prompt-Hash: (\S+)$/m.exec(message)![1]!;
}

// The story of November 2026: support v1 goes to staging and production; v2 is published, tested,
// approved and shipped to production, then rolled back the next day.
beforeAll(async () => {
  repo = await makeTempRepo();
  await repo.write("promptops.config.yaml", "providers: [echo]\n");
  await repo.write("prompts/support.prompt.yaml", supportPrompt("Be warm."));
  await commitAt(ANN, "Add the support prompt", "2026-10-30T09:00:00Z");
  await promptops(ANN, "2026-11-02T09:00:00Z", "publish", "-m", "First support prompt");
  await promptops(ANN, "2026-11-02T10:00:00Z", "activate", "support@1", "--env", "staging", "-m", "try v1");
  commits.stageV1 = await commitAt(ANN, "Stage support v1", "2026-11-02T10:00:00Z");
  await promptops(ANN, "2026-11-03T10:00:00Z", "activate", "support@1", "--env", "production");
  commits.shipV1 = await commitAt(ANN, "Ship support v1", "2026-11-03T10:00:00Z");

  await repo.write("prompts/support.prompt.yaml", supportPrompt("Be brief."));
  await commitAt(ANN, "Shorter answers", "2026-11-09T09:00:00Z");
  await promptops(ANN, "2026-11-10T09:00:00Z", "publish", "-m", "Shorter answers, same policy");
  hashes[1] = await tagHash(1);
  hashes[2] = await tagHash(2);
  await addRecord({
    kind: "test",
    prompt: "support",
    version: 2,
    hash: hashes[2]!,
    by: "CI Bot <ci@acme.io>",
    at: "2026-11-10T11:00:00Z",
    providers: ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"],
    summary: { total: 12, passed: 12, failed: 0, errors: 0 },
  });
  await addRecord({
    kind: "approval",
    prompt: "support",
    version: 2,
    hash: hashes[2]!,
    by: "Bob Approver <bob@acme.io>",
    at: "2026-11-10T12:00:00Z",
    reason: "reads well",
  });
  // Forged: an approval of v2 that names v1's hash never counts, and is said so.
  await addRecord({
    kind: "approval",
    prompt: "support",
    version: 2,
    hash: hashes[1]!,
    by: "Mallory <m@evil.test>",
    at: "2026-11-10T12:30:00Z",
  });
  await promptops(
    BOB,
    "2026-11-11T09:00:00Z",
    "activate",
    "support@2",
    "--env",
    "production",
    "-m",
    "ship shorter answers",
  );
  commits.shipV2 = await commitAt(ANN, "Ship support v2", "2026-11-11T09:05:00Z");
  await promptops(
    BOB,
    "2026-11-12T08:00:00Z",
    "rollback",
    "support",
    "--env",
    "production",
    "-m",
    ROLLBACK_REASON,
  );
  commits.rollback = await commitAt(BOB, "Roll back support", "2026-11-12T08:01:00Z");
});
afterAll(async () => {
  await repo.cleanup();
});

async function report(...args: string[]): Promise<AuditPeriodReport> {
  const result = await runCli(["audit", "--report", "--format", "json", ...args], { cwd: repo.root });
  if (result.code !== 0) throw new Error(`audit --report exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as AuditPeriodReport;
}

describe("promptops audit --report: what happened to the prompts in a period", () => {
  it("lists every publish, test record, approval, activation and rollback in the period, with who, when, why and which version", async () => {
    const r = await report("--from", "2026-11-05", "--to", "2026-11-30");

    expect(r.from).toBe("2026-11-05T00:00:00.000Z");
    expect(r.to).toBe("2026-11-30T23:59:59.999Z");
    expect(r.events.map((e) => [e.at, e.type, e.prompt, e.version, e.env, e.by, e.why])).toEqual([
      [
        "2026-11-10T09:00:00.000Z",
        "publish",
        "support",
        2,
        null,
        "Ann Author <ann@acme.io>",
        "Shorter answers, same policy",
      ],
      [
        "2026-11-10T11:00:00.000Z",
        "test",
        "support",
        2,
        null,
        "CI Bot <ci@acme.io>",
        "12/12 passed on openai:gpt-4o-mini, anthropic:claude-haiku-4-5",
      ],
      [
        "2026-11-10T12:00:00.000Z",
        "approval",
        "support",
        2,
        null,
        "Bob Approver <bob@acme.io>",
        "reads well",
      ],
      // When the lockfile change landed (its commit), by whom it was made (the entry), and why.
      [
        "2026-11-11T09:05:00.000Z",
        "activation",
        "support",
        2,
        "production",
        "Bob Approver <bob@acme.io>",
        "ship shorter answers",
      ],
      [
        "2026-11-12T08:01:00.000Z",
        "rollback",
        "support",
        1,
        "production",
        "Bob Approver <bob@acme.io>",
        ROLLBACK_REASON,
      ],
    ]);
    const [publish, test, approval, activation, rollback] = r.events;
    expect(publish).toMatchObject({ hash: hashes[2], commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(test).toMatchObject({ hash: hashes[2], passed: true, summary: { total: 12, passed: 12 } });
    expect(approval!.hash).toBe(hashes[2]);
    expect(activation).toMatchObject({
      commit: commits.shipV2,
      committedBy: "Ann Author <ann@acme.io>",
      previous: 1,
      hash: hashes[2],
    });
    expect(rollback).toMatchObject({ commit: commits.rollback, previous: 2, hash: hashes[1] });

    // What was active in each environment when the period began and when it ended.
    expect(r.active.start).toEqual({
      production: { support: { version: 1, hash: hashes[1] } },
      staging: { support: { version: 1, hash: hashes[1] } },
    });
    expect(r.active.end).toEqual(r.active.start);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /approval record of support@2 by Mallory <m@evil.test>: its hash sha256:\w+ is not the version's sha256:\w+; ignored/,
      ),
    ]);
  });

  it("narrows to one environment, and to a period given by date and time", async () => {
    const r = await report("--env", "staging", "--to", "2026-11-02T12:00:00Z");

    expect(r.env).toBe("staging");
    expect(r.events.map((e) => `${e.type} v${e.version} ${e.env ?? ""}`)).toEqual([
      "publish v1 ",
      "activation v1 staging",
    ]);
    expect(r.events[1]).toMatchObject({ commit: commits.stageV1, why: "try v1" });
    expect(r.active.start).toEqual({ staging: {} });
    expect(r.active.end).toEqual({ staging: { support: { version: 1, hash: hashes[1] } } });

    const production = await report("--env", "production", "--from", "2026-11-11T12:00:00Z");
    expect(production.active.start).toEqual({ production: { support: { version: 2, hash: hashes[2] } } });
    expect(production.events.map((e) => e.type)).toEqual(["rollback"]);
  });

  it("prints Markdown by default: events, then what was active at the start and the end", async () => {
    const result = await runCli(["audit", "--report", "--from", "2026-11-11", "--to", "2026-11-11"], {
      cwd: repo.root,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Period: 2026-11-11T00:00:00.000Z to 2026-11-11T23:59:59.999Z.");
    expect(result.stdout).toContain(
      `| 2026-11-11T09:05:00.000Z | activation | support | v2 (was v1) | production | Bob Approver \\<bob@acme.io\\> | ship shorter answers | ${commits.shipV2!.slice(0, 12)} |`,
    );
    expect(result.stdout).not.toContain("rollback");
    expect(result.stdout).toMatch(
      /## Active at the start \(2026-11-11T00:00:00.000Z\)\n\n\| environment \| prompt \| version \| hash \|\n\|---\|---\|---\|---\|\n\| production \| support \| v1 \|/,
    );
    expect(result.stdout).toMatch(
      /## Active at the end \(2026-11-11T23:59:59.999Z\)\n\n[^#]*\| production \| support \| v2 \|/,
    );
    expect(result.stderr).toContain("warning: approval record of support@2 by Mallory");
  });

  it("writes CSV as RFC 4180 says, with text that a spreadsheet would run as a formula neutralised", async () => {
    const result = await runCli(
      ["audit", "--report", "--format", "csv", "--from", "2026-11-12", "--env", "production"],
      {
        cwd: repo.root,
      },
    );

    expect(result.code).toBe(0);
    const lines = result.stdout.split("\r\n");
    expect(lines[0]).toBe("at,type,prompt,version,env,by,why,hash,commit,previous,committedBy");
    expect(lines[1]).toBe(
      `2026-11-12T08:01:00.000Z,rollback,support,1,production,Bob Approver <bob@acme.io>,"'=HYPERLINK(""http://evil.test"",""v2 is rude"")",${hashes[1]},${commits.rollback},2,Bob Approver <bob@acme.io>`,
    );
    expect(lines[2]).toBe(`2026-11-12T00:00:00.000Z,active-at-start,support,2,production,,,${hashes[2]},,,`);
    expect(lines[3]).toBe(`,active-at-end,support,1,production,,,${hashes[1]},,,`);
    expect(lines[4]).toBe("");
    expect(lines).toHaveLength(5);
  });

  it("refuses a date it cannot read, or a period that ends before it starts (exit 2)", async () => {
    const bad = await runCli(["audit", "--report", "--from", "last tuesday"], { cwd: repo.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from "last tuesday" is not a date or a date and time');

    const backwards = await runCli(["audit", "--report", "--from", "2026-11-12", "--to", "2026-11-01"], {
      cwd: repo.root,
    });
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("--from 2026-11-12 is after --to 2026-11-01");

    const env = await runCli(["audit", "--report", "--env", "prod"], { cwd: repo.root });
    expect(env.code).toBe(2);
  });
});
