import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalJson,
  type EnvRepo,
  makeEnvRepo,
  PROJECT_DIR,
  REFUND,
  SUPPORT_TONE,
} from "../fixtures/environments/env-repo.js";

// One repository for the file, with a committed lockfile: staging runs support v3 and refund v2,
// production support v2 and refund v1. Every test starts from there. `billing/refund-eu` began as
// a copy of billing/refund v1: same content, so the same hash.
let repo: EnvRepo;
let start: string;
let canonical: string;
beforeAll(async () => {
  repo = await makeEnvRepo({
    extraPrompts: {
      "prompts/billing/refund-eu.prompt.yaml": await readFile(join(PROJECT_DIR, REFUND), "utf8"),
    },
  });
  await repo.activateAll(
    ["support@3", "staging"],
    ["billing/refund@2", "staging"],
    ["support@2", "production"],
    ["billing/refund@1", "production"],
  );
  start = await repo.commit("Activate support and refund");
  canonical = (await repo.lockText())!;
});
afterEach(async () => {
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

async function restoreTag(tag: string, object: string): Promise<void> {
  await repo.git("update-ref", `refs/tags/${tag}`, object);
}

describe("promptops lock --check", () => {
  it("passes the lockfile activate wrote, and changes nothing", async () => {
    const result = await repo.cli("lock", "--check");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("promptops.lock is up to date");
    expect(await repo.lockText()).toBe(canonical);
  });

  const handEdits: Array<[string, (text: string) => string, RegExp]> = [
    ["without its trailing newline", (text) => text.slice(0, -1), /stale or was edited by hand/],
    [
      "with its top-level keys in another order",
      (text) => {
        const { environments, lockfileVersion, prompts } = JSON.parse(text);
        return `${JSON.stringify({ lockfileVersion, prompts, environments }, null, 2)}\n`;
      },
      /stale or was edited by hand/,
    ],
    ["indented with 4 spaces", (text) => `${JSON.stringify(JSON.parse(text), null, 4)}\n`, /stale/],
    [
      "with a stored message edited",
      (text) => text.replace(SUPPORT_TONE[2], "Be pushy."),
      /stored prompt "support" v2 was tampered with or edited by hand/,
    ],
  ];
  it.each(handEdits)("fails a lockfile %s, and leaves it as it is", async (_, edit, message) => {
    const edited = edit(canonical);
    expect(edited).not.toBe(canonical);
    await repo.writeLock(edited);

    const result = await repo.cli("lock", "--check");

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(await repo.lockText()).toBe(edited);
  });

  it("fails when the tag of an active version was deleted; verify says so too", async () => {
    const tag = "prompt/support/v2";
    const object = (await repo.git("rev-parse", `refs/tags/${tag}`)).trim();
    await repo.git("tag", "--delete", tag);
    try {
      const result = await repo.cli("lock", "--check");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("production: support v2 points at a version with no tag");

      const verify = await repo.cli("verify");
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain("production: support v2 points at a version with no tag");
    } finally {
      await restoreTag(tag, object);
    }
  });

  it("fails when the tag of an active version moved, even to a commit with the same content", async () => {
    const tag = "prompt/support/v2";
    const object = (await repo.git("rev-parse", `refs/tags/${tag}`)).trim();
    const message = await repo.git("for-each-ref", "--format=%(contents)", `refs/tags/${tag}`);
    const tagged = await repo.tagCommit(tag);
    // The commit after v2's only changed billing/refund: support's content there is v2's.
    const next = (await repo.git("rev-list", "--reverse", "--ancestry-path", `${tagged}..HEAD`)).split(
      "\n",
    )[0]!;
    await repo.gitIn(repo.root, ["tag", "-a", "-f", "--file=-", tag, next], message);
    try {
      const result = await repo.cli("lock", "--check");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `production: support v2: tag ${tag} now points at ${next.slice(0, 12)}, not ${tagged.slice(0, 12)}`,
      );
      // Nor will `lock` write a lockfile over it.
      const lock = await repo.cli("lock");
      expect(lock.code).toBe(1);
      expect(lock.stderr).toContain("cannot relock");
      expect(await repo.lockText()).toBe(canonical);
    } finally {
      await restoreTag(tag, object);
    }
  });

  it("passes when two prompts with the same content are active (the content is stored once)", async () => {
    // production: refund v2 and refund-eu v1; staging: refund v1, the same content as refund-eu v1.
    await repo.activateAll(
      ["billing/refund@2", "production"],
      ["billing/refund-eu@1", "production"],
      ["billing/refund@1", "staging"],
    );
    const lockfile = await repo.lockfile();
    const shared = lockfile.environments.staging!["billing/refund"]!.hash;
    expect(lockfile.environments.production!["billing/refund-eu"]!.hash).toBe(shared);
    const written = await repo.lockText();

    const result = await repo.cli("lock", "--check");

    expect(result.stdout).not.toContain("error");
    expect(result.code).toBe(0);
    expect(await repo.lockText()).toBe(written);
  });
});

describe("promptops lock", () => {
  it("rewrites a reformatted but valid lockfile in its canonical form", async () => {
    await repo.writeLock(JSON.stringify(JSON.parse(canonical)));

    const result = await repo.cli("lock");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("rewrote promptops.lock");
    expect(await repo.lockText()).toBe(canonical);
    expect(canonical).toBe(canonicalJson(JSON.parse(canonical)));
    expect((await repo.cli("lock", "--check")).code).toBe(0);
  });

  it("says a canonical lockfile is up to date and does not touch it", async () => {
    const result = await repo.cli("lock");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("promptops.lock is up to date");
    expect(await repo.git("status", "--porcelain")).toBe("");
  });

  it("drops stored content that no environment points at", async () => {
    // A valid stored prompt nobody points at: support v1's content, as activate stores it.
    await repo.ok("activate", "support@1", "--env", "staging");
    const scratch = await repo.lockfile();
    const v1 = scratch.environments.staging!.support!.hash;
    await repo.git("checkout", "--", "promptops.lock");
    const withExtra = JSON.parse(canonical);
    withExtra.prompts[v1] = scratch.prompts[v1];
    await repo.writeLock(canonicalJson(withExtra));

    const check = await repo.cli("lock", "--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("stale");

    const result = await repo.cli("lock");
    expect(result.code).toBe(0);
    expect(await repo.lockText()).toBe(canonical);
    expect(Object.keys((await repo.lockfile()).prompts)).not.toContain(v1);
  });

  it("recompiles stored content edited by hand from the tags, as the tamper error's hint says", async () => {
    await repo.writeLock(canonical.replace(SUPPORT_TONE[2], "Be pushy."));
    const check = await repo.cli("lock", "--check");
    expect(check.code).toBe(1);

    const result = await repo.cli("lock");

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await repo.lockText()).toBe(canonical);
  });

  it("does not rewrite a lockfile of another format version as this one", async () => {
    const future = canonical.replace('"lockfileVersion": 1', '"lockfileVersion": 2');
    await repo.writeLock(future);

    const result = await repo.cli("lock");

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lockfileVersion");
    expect(await repo.lockText()).toBe(future);
  });

  it("still refuses a lockfile that is not JSON, changing nothing", async () => {
    const broken = canonical.replace('"environments": {', '"environments": {{');
    await repo.writeLock(broken);

    const result = await repo.cli("lock");

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lockfile is not valid JSON");
    expect(await repo.lockText()).toBe(broken);
  });
});
