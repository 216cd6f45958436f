import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EnvRepo, IDENTITY, makeEnvRepo } from "../fixtures/environments/env-repo.js";

interface AuditEvent {
  version: number | null;
  entry: { version: number; hash: string; reason?: string; previous?: number | null } | null;
  commit: { sha: string; author: string; date: string; subject: string };
}
interface AuditJson {
  id: string;
  env: string;
  timeline: AuditEvent[];
  activeAt?: { at: string; event: AuditEvent | null };
}

// The lockfile's history, committed at known times: production ran support v1, then v2, then v3,
// then went back to v2. One commit in between changed only staging.
const HISTORY = [
  {
    date: "2025-01-10T09:00:00Z",
    args: ["activate", "support@1", "--env", "production"],
    subject: "Ship support v1",
  },
  {
    date: "2025-01-11T09:00:00Z",
    args: ["activate", "support@2", "--env", "production"],
    subject: "Ship support v2",
  },
  {
    date: "2025-01-11T15:00:00Z",
    args: ["activate", "billing/refund@2", "--env", "staging"],
    subject: "Try refund v2 in staging",
  },
  {
    date: "2025-01-12T09:00:00Z",
    args: ["activate", "support@3", "--env", "production"],
    subject: "Ship support v3",
  },
  {
    date: "2025-01-13T09:00:00Z",
    args: ["rollback", "support", "--env", "production"],
    subject: "v3 is rude",
  },
];

let repo: EnvRepo;
const shas: string[] = [];
beforeAll(async () => {
  repo = await makeEnvRepo();
  for (const step of HISTORY) {
    await repo.ok(...step.args);
    shas.push(await repo.commitAt(step.subject, step.date));
  }
});
afterAll(async () => {
  await repo.cleanup();
});

async function audit(...args: string[]): Promise<AuditJson> {
  const result = await repo.cli("audit", "support", "--env", "production", "--json", ...args);
  if (result.code !== 0) throw new Error(`audit exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("promptops audit --at", () => {
  it("answers which version was active at a time between two changes, and which commit made it so", async () => {
    const result = await repo.cli("audit", "support", "--env", "production", "--at", "2025-01-11T20:00:00Z");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("support in production at 2025-01-11T20:00:00.000Z: v2");
    expect(result.stdout).toContain(shas[1]!.slice(0, 7));
    expect(result.stdout).toContain("Ship support v2");
    expect(result.stdout).not.toContain("staging");

    const { activeAt } = await audit("--at", "2025-01-11T20:00:00Z");
    expect(activeAt!.event).toMatchObject({
      version: 2,
      commit: { sha: shas[1], subject: "Ship support v2", author: IDENTITY },
    });
    expect(Date.parse(activeAt!.event!.commit.date)).toBe(Date.parse(HISTORY[1]!.date));
  });

  it("counts a change as active from the second its commit was made", async () => {
    expect((await audit("--at", "2025-01-12T08:59:59Z")).activeAt!.event!.version).toBe(2);
    expect((await audit("--at", "2025-01-12T09:00:00Z")).activeAt!.event).toMatchObject({
      version: 3,
      commit: { sha: shas[3] },
    });
  });

  it("after the rollback, names the rollback's commit, not the first activation of v2", async () => {
    const { activeAt } = await audit("--at", "2025-02-01T00:00:00Z");
    expect(activeAt!.event).toMatchObject({ version: 2, commit: { sha: shas[4], subject: "v3 is rude" } });
  });

  it("says nothing was active before the first change", async () => {
    const result = await repo.cli("audit", "support", "--env", "production", "--at", "2025-01-01T00:00:00Z");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("support was not active in production at 2025-01-01T00:00:00.000Z");

    expect((await audit("--at", "2025-01-01T00:00:00Z")).activeAt).toEqual({
      at: "2025-01-01T00:00:00.000Z",
      event: null,
    });
  });

  it("refuses a time it cannot read", async () => {
    const result = await repo.cli("audit", "support", "--env", "production", "--at", "last tuesday");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--at "last tuesday" is not a date and time');
  });
});

describe("promptops audit without --at", () => {
  it("prints the whole timeline, oldest first, one change per line", async () => {
    const result = await repo.cli("audit", "support", "--env", "production");

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    const expected = [
      ["v1", 0],
      ["v2", 1],
      ["v3", 3],
      ["v2", 4],
    ] as const;
    expected.forEach(([version, step], i) => {
      expect(lines[i]).toMatch(new RegExp(`^${version}\\s`));
      expect(lines[i]).toContain(shas[step]!.slice(0, 7));
      expect(lines[i]).toContain(HISTORY[step]!.subject);
    });
  });

  it("--json gives id, env and each change with its lockfile entry and commit", async () => {
    const report = await audit();

    expect(report.id).toBe("support");
    expect(report.env).toBe("production");
    expect(report.activeAt).toBeUndefined();
    expect(report.timeline.map((e) => [e.version, e.commit.sha])).toEqual([
      [1, shas[0]],
      [2, shas[1]],
      [3, shas[3]],
      [2, shas[4]],
    ]);
    for (const event of report.timeline) {
      expect(Object.keys(event).sort()).toEqual(["commit", "entry", "version"]);
      expect(Object.keys(event.commit).sort()).toEqual(["author", "date", "sha", "subject"]);
      expect(event.entry!.version).toBe(event.version);
      expect(event.entry!.hash).toBe(await repo.tagHash(`prompt/support/v${event.version}`));
    }
    expect(report.timeline.map((e) => e.entry!.previous)).toEqual([null, 1, 2, 1]);
  });

  it("says so for a prompt never active in the environment", async () => {
    const result = await repo.cli("audit", "billing/refund", "--env", "production");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("billing/refund has never been active in production");
  });
});
