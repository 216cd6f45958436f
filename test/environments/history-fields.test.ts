import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { lockProject } from "../../src/environments/lock-project.js";
import { gitProcessCount, resetGitProcessCount } from "../../src/git/index.js";
import { type EnvRepo, IDENTITY, LOCKFILE, makeEnvRepo } from "../fixtures/environments/env-repo.js";

// production went support v1 -> v2 -> v3, one commit each, as a team ships: the lockfile's git
// history is the record of which version was active before which.
let repo: EnvRepo;
let start: string;
let shipped: string;
beforeAll(async () => {
  repo = await makeEnvRepo();
  for (const version of [1, 2, 3]) {
    await repo.ok("activate", `support@${version}`, "--env", "production", "-m", `ship v${version}`);
    start = await repo.commit(`production: support v${version}`);
  }
  shipped = (await repo.lockText())!;
});
afterEach(async () => {
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

/** The lockfile with production's support entry changed by hand. */
function edited(change: Record<string, unknown>): string {
  const lockfile = JSON.parse(shipped);
  Object.assign(lockfile.environments.production.support, change);
  return `${JSON.stringify(lockfile, null, 2)}\n`;
}

const edits: Array<[string, Record<string, unknown>, RegExp]> = [
  [
    "previous",
    { previous: 1 },
    /production\/support: previous is v1, but the lockfile's history says v2 was active before v3 \(activated in [0-9a-f]{12}\): previous was edited/,
  ],
  [
    "activatedBy",
    { activatedBy: "Mallory <mallory@example.test>" },
    /production\/support: activatedBy is "Mallory <mallory@example.test>", but v3 was activated by "Ada Tester <ada@example.test>" \(the commit that activated v3, [0-9a-f]{12}\): activatedBy was edited/,
  ],
  [
    "activatedAt",
    { activatedAt: "2020-01-01T00:00:00Z" },
    /production\/support: activatedAt is 2020-01-01T00:00:00Z, but v3 has been active since/,
  ],
];

describe("verify and lock --check hold previous, activatedBy and activatedAt to the lockfile's history", () => {
  it("pass the lockfile as activate and commit left it", async () => {
    expect((await repo.cli("lock", "--check")).code).toBe(0);
    const verify = await repo.cli("verify");
    expect(verify.stdout).not.toContain("error");
    expect(verify.code).toBe(0);
  });

  it.each(edits)(
    "report an edit of %s in the working tree as tampering, naming env, prompt and field",
    async (field, change, message) => {
      await repo.writeLock(edited(change));

      for (const command of [["verify"], ["lock", "--check"]]) {
        const result = await repo.cli(...command);
        expect(result.code, command.join(" ")).toBe(1);
        expect(result.stdout).toMatch(message);
        expect(result.stdout).toContain(field);
        expect(result.stdout).toMatch(/hint: restore promptops.lock from git, or run `promptops lock`/);
      }
    },
  );

  it.each(edits)(
    "report an edit of %s committed on its own, as a pull request would bring it",
    async (_, change, message) => {
      await repo.writeLock(edited(change));
      await repo.commit("Tidy the lockfile");

      const result = await repo.cli("lock", "--check");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(message);
    },
  );

  it("report previous, activatedBy and activatedAt forged in the very commit that activated the version", async () => {
    await repo.resetTo(`${start}~1`);
    await repo.ok("activate", "support@3", "--env", "production");
    const lockfile = await repo.lockfile();
    Object.assign(lockfile.environments.production!.support!, {
      previous: 1,
      activatedBy: "Mallory <mallory@example.test>",
      activatedAt: "2099-01-01T00:00:00Z",
    });
    await repo.writeLock(`${JSON.stringify(lockfile, null, 2)}\n`);
    const commit = (await repo.commit("production: support v3")).slice(0, 12);

    const result = await repo.cli("verify");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /production\/support: previous is v1, but the lockfile's history says v2 was active before v3/,
    );
    expect(result.stdout).toContain(
      `production/support: activatedBy is "Mallory <mallory@example.test>", but the commit that activated v3, ${commit}, was made by "${IDENTITY}"`,
    );
    expect(result.stdout).toContain(
      `production/support: activatedAt 2099-01-01T00:00:00Z is later than the commit that activated v3, ${commit} (`,
    );
  });

  it("accept a committed rollback, and an activation not committed yet as the newest", async () => {
    await repo.ok("rollback", "support", "--env", "production");
    await repo.commit("Roll back support");
    expect((await repo.lockfile()).environments.production!.support).toMatchObject({
      version: 2,
      previous: 1,
    });
    expect((await repo.cli("lock", "--check")).stdout).toContain("up to date");

    await repo.ok("activate", "support@1", "--env", "production");
    await repo.ok("activate", "support@3", "--env", "production");
    const check = await repo.cli("lock", "--check");
    expect(check.stdout).toContain("up to date");
    expect(check.code).toBe(0);
  });

  it("lock restores the fields the history backs and says what it changed", async () => {
    await repo.writeLock(edited({ previous: 1, activatedBy: "Mallory <mallory@example.test>" }));

    const result = await repo.cli("lock");

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("production/support: previous 1 -> 2, as the lockfile's history says");
    expect(result.stdout).toContain(
      `production/support: activatedBy "Mallory <mallory@example.test>" -> "${IDENTITY}"`,
    );
    expect(await repo.lockText()).toBe(shipped);
    expect((await repo.cli("lock", "--check")).code).toBe(0);
  });
});

describe("promptops rollback with a forged previous", () => {
  it("refuses to go where history does not back (v3 -> v1 where v2 was active before), changing nothing", async () => {
    const forged = edited({ previous: 1 });
    await repo.writeLock(forged);

    const result = await repo.cli("rollback", "support", "--env", "production");

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "production/support: previous says v1, but the lockfile's history says v2 was active before v3",
    );
    expect(result.stderr).toContain("promptops activate support@2 --env production");
    expect(await repo.lockText()).toBe(forged);
    expect(await repo.git("status", "--porcelain", "--", LOCKFILE)).toBe(" M promptops.lock\n");
  });
});

describe("reading the lockfile's history", () => {
  it("takes as many git processes for 12 commits of promptops.lock as for 3", async () => {
    const count = async () => {
      resetGitProcessCount();
      const report = await lockProject({ cwd: repo.root, check: true });
      expect(report.problems).toEqual([]);
      return gitProcessCount();
    };
    const few = await count();
    for (let i = 0; i < 9; i++) {
      await repo.ok("activate", `support@${(i % 3) + 1}`, "--env", i % 2 ? "staging" : "production");
      await repo.commit(`change ${i}`);
    }
    expect(await count()).toBe(few);
  }, 60_000);
});
