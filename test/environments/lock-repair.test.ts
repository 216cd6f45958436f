import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EnvRepo, makeEnvRepo } from "../fixtures/environments/env-repo.js";

// A committed lockfile: production runs support v2 and billing/refund v1, staging support v3.
// Each test hand-edits it as a user in a hurry would, then asks lock --check and lock about it.
let repo: EnvRepo;
let start: string;
let committed: string;
beforeAll(async () => {
  repo = await makeEnvRepo();
  await repo.activateAll(
    ["support@2", "production"],
    ["billing/refund@1", "production"],
    ["support@3", "staging"],
  );
  start = await repo.commit("Activate support and refund");
  committed = (await repo.lockText())!;
});
afterEach(async () => {
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

/** The committed lockfile with production's support entry changed by `edit`. */
function withSupportEntry(edit: (entry: Record<string, unknown>) => void): string {
  const lockfile = JSON.parse(committed);
  edit(lockfile.environments.production.support);
  return `${JSON.stringify(lockfile, null, 2)}\n`;
}

async function tagOf(tag: string): Promise<{ hash: string; commit: string }> {
  return { hash: await repo.tagHash(tag), commit: await repo.tagCommit(tag) };
}

describe("lock --check names what was edited by hand", () => {
  it("a version number: 'version 3 but its hash and commit are v2's', not a tag that moved", async () => {
    await repo.writeLock(withSupportEntry((entry) => Object.assign(entry, { version: 3 })));

    const result = await repo.cli("lock", "--check");

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "production/support: version 3 but its hash and commit are v2's: the version number was edited (v2 is what was activated)",
    );
    expect(result.stdout).not.toMatch(/tag .* now points at/);
    expect(result.stdout).toContain("hint: run `promptops lock` to rebuild the entry from the tags");
  });

  it("a hash: 'hash is v3's, not v2's'", async () => {
    const v3 = await tagOf("prompt/support/v3");
    await repo.writeLock(withSupportEntry((entry) => Object.assign(entry, { hash: v3.hash })));

    const result = await repo.cli("lock", "--check");

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /production\/support: version 2 but its hash is v3's, not v2's sha256:[0-9a-f]{12}…: the hash was edited/,
    );
  });

  it("a commit that is no commit of this repository", async () => {
    await repo.writeLock(withSupportEntry((entry) => Object.assign(entry, { commit: "a".repeat(40) })));

    const result = await repo.cli("lock", "--check");

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /production\/support: version 2 but its commit aaaaaaaaaaaa is not prompt\/support\/v2's [0-9a-f]{12}: the commit was edited/,
    );
  });
});

describe("promptops lock repairs a hand-edited lockfile and says what it changed", () => {
  const edits: Array<[string, (entry: Record<string, unknown>) => void, string]> = [
    [
      "a version number",
      (entry) => Object.assign(entry, { version: 3 }),
      "production/support: version 3 -> 2, the version its hash and commit name (to make v3 active: promptops activate support@3 --env production)",
    ],
    [
      "a hash",
      (entry) => Object.assign(entry, { hash: `sha256:${"0".repeat(64)}` }),
      "production/support: hash set to v2's, from prompt/support/v2",
    ],
    [
      "a commit",
      (entry) => Object.assign(entry, { commit: "b".repeat(40) }),
      "production/support: commit set to v2's, from prompt/support/v2",
    ],
    [
      "a version written as text",
      (entry) => Object.assign(entry, { version: "2" }),
      'production/support: version is "2", not a version number: restored the entry from the newest commit of promptops.lock',
    ],
    [
      "previous",
      (entry) => Object.assign(entry, { previous: 1 }),
      "production/support: previous 1 -> null, as the lockfile's history says",
    ],
  ];
  it.each(edits)("%s: back to the committed lockfile, and lock --check passes", async (_, edit, said) => {
    await repo.writeLock(withSupportEntry(edit));

    const result = await repo.cli("lock");

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`repaired: promptops.lock: ${said}`);
    expect(await repo.lockText()).toBe(committed);
    expect((await repo.cli("lock", "--check")).code).toBe(0);
  });

  it("drops an environment that is not configured, saying so", async () => {
    const lockfile = JSON.parse(committed);
    lockfile.environments.qa = lockfile.environments.staging;
    await repo.writeLock(`${JSON.stringify(lockfile, null, 2)}\n`);

    const result = await repo.cli("lock");

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'dropped environment "qa": it is not configured (environments: staging, production)',
    );
    expect(await repo.lockText()).toBe(committed);
  });

  it("drops an unreadable entry no commit of the lockfile has, and keeps the rest", async () => {
    const lockfile = JSON.parse(committed);
    lockfile.environments.staging["billing/refund"] = { version: "two" };
    await repo.writeLock(`${JSON.stringify(lockfile, null, 2)}\n`);

    const result = await repo.cli("lock");

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'staging/billing/refund: version is "two", not a version number: dropped the entry, as no commit of promptops.lock has it',
    );
    expect(await repo.lockText()).toBe(committed);
  });

  it("still refuses an entry whose tag moved, with a hint that is not the command that failed", async () => {
    const tag = "prompt/support/v2";
    const object = (await repo.git("rev-parse", `refs/tags/${tag}`)).trim();
    const message = await repo.git("for-each-ref", "--format=%(contents)", `refs/tags/${tag}`);
    await repo.gitIn(repo.root, ["tag", "-a", "-f", "--file=-", tag, "HEAD"], message);
    try {
      const result = await repo.cli("lock");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot relock: production: support v2: tag ${tag} now points at`);
      expect(result.stderr).toContain("the tag was moved after the activation");
      expect(result.stderr).not.toContain("`promptops lock`");
      expect(await repo.lockText()).toBe(committed);
    } finally {
      await repo.git("update-ref", `refs/tags/${tag}`, object);
    }
  });

  it("refuses a file that is not JSON with a hint to restore it from git, not to run lock again", async () => {
    const broken = committed.replace('"environments": {', '"environments": {{');
    await repo.writeLock(broken);

    const result = await repo.cli("lock");

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lockfile is not valid JSON");
    expect(result.stderr).toContain("git checkout -- promptops.lock");
    expect(result.stderr).not.toContain("or run `promptops lock`");
    expect(await repo.lockText()).toBe(broken);
  });
});
