import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EnvRepo, LOCKFILE, makeEnvRepo } from "../fixtures/environments/env-repo.js";

// One repository for the file; each test goes back to `start` (published history, no lockfile,
// unless a describe block sets up another starting point).
let repo: EnvRepo;
let start: string;
beforeAll(async () => {
  repo = await makeEnvRepo();
  start = (await repo.git("rev-parse", "HEAD")).trim();
});
afterEach(async () => {
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

/** Activate, then commit the lockfile, as a team would after each change. */
async function activateAndCommit(target: string, env: string): Promise<void> {
  await repo.ok("activate", target, "--env", env, "-m", `ship ${target}`);
  await repo.git("add", LOCKFILE);
  await repo.git("commit", "--quiet", "--message", `${env}: ${target}`);
}

async function active(env: string, id: string) {
  return (await repo.lockfile()).environments[env]?.[id];
}

describe("promptops rollback", () => {
  it("walks back v3 -> v2 -> v1 and never flips forward to the version it left", async () => {
    for (const version of [1, 2, 3]) await activateAndCommit(`support@${version}`, "production");

    const first = await repo.cli(
      "rollback",
      "support",
      "--env",
      "production",
      "-m",
      "v3 drops the refund window",
    );
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("production: support v3 -> v2");
    expect(await active("production", "support")).toMatchObject({
      version: 2,
      previous: 1,
      reason: "v3 drops the refund window",
    });
    await repo.git("commit", "--quiet", "--all", "--message", "Roll back support");

    const second = await repo.cli("rollback", "support", "--env", "production");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("production: support v2 -> v1");
    const entry = await active("production", "support");
    expect(entry).toMatchObject({ version: 1, previous: null });
    expect(entry!.reason).toMatch(/roll back/);
    await repo.git("commit", "--quiet", "--all", "--message", "Roll back support again");

    const third = await repo.cli("rollback", "support", "--env", "production");
    expect(third.code).toBe(2);
    expect(third.stderr).toContain("nothing to roll back");
    expect((await active("production", "support"))!.version).toBe(1);
  });

  it("refuses to roll back the first activation, and leaves the lockfile as it was", async () => {
    await repo.ok("activate", "support@2", "--env", "production");
    const before = await repo.lockText();

    const result = await repo.cli("rollback", "support", "--env", "production");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("nothing to roll back");
    expect(await repo.lockText()).toBe(before);
  });

  it("refuses a prompt that is not active in the environment", async () => {
    await repo.ok("activate", "support@2", "--env", "production");

    const result = await repo.cli("rollback", "billing/refund", "--env", "production");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("billing/refund is not active in production");
  });

  it("leaves the other environment alone", async () => {
    await repo.activateAll(["support@1", "staging"], ["support@2", "production"]);
    await repo.ok("activate", "support@3", "--env", "staging");

    expect((await repo.cli("rollback", "support", "--env", "staging")).code).toBe(0);

    expect((await active("staging", "support"))!.version).toBe(1);
    expect((await active("production", "support"))!.version).toBe(2);
  });
});

describe("promptops promote", () => {
  // Staging is ahead of production on both prompts, committed.
  beforeAll(async () => {
    await repo.activateAll(
      ["support@1", "production"],
      ["billing/refund@1", "production"],
      ["support@3", "staging"],
      ["billing/refund@2", "staging"],
    );
    start = await repo.commit("Staging runs support v3 and refund v2");
  });

  it("--all copies every staging pointer to production, saying it was a promotion", async () => {
    const result = await repo.cli("promote", "--all", "--from", "staging", "--to", "production");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("production: billing/refund v1 -> v2");
    expect(result.stdout).toContain("production: support v1 -> v3");
    const { environments } = await repo.lockfile();
    for (const id of ["support", "billing/refund"]) {
      const [staging, production] = [environments.staging![id]!, environments.production![id]!];
      expect(production.version).toBe(staging.version);
      expect(production.hash).toBe(staging.hash);
      expect(production.commit).toBe(staging.commit);
      expect(production.reason).toMatch(/promot/);
      expect(production.reason).toContain("staging");
    }
    expect(environments.production!.support!.previous).toBe(1);
  });

  it("with ids, copies only those", async () => {
    const result = await repo.cli("promote", "support", "--from", "staging", "--to", "production");

    expect(result.code).toBe(0);
    const { environments } = await repo.lockfile();
    expect(environments.production!.support!.version).toBe(3);
    expect(environments.production!["billing/refund"]!.version).toBe(1);
    expect(environments.staging!["billing/refund"]!.version).toBe(2);
  });

  it("refuses --from and --to naming the same environment, changing nothing", async () => {
    const before = await repo.lockText();

    const result = await repo.cli("promote", "--all", "--from", "staging", "--to", "staging");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--from and --to name the same environment");
    expect(await repo.lockText()).toBe(before);
  });

  it("refuses an unknown environment, naming the configured ones", async () => {
    const result = await repo.cli("promote", "--all", "--from", "staging", "--to", "prod");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("staging, production");
  });
});
