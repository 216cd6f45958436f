import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalJson,
  type EnvRepo,
  fleetPrompt,
  IDENTITY,
  makeEnvRepo,
  SUPPORT_TONE,
  TONE,
} from "../fixtures/environments/env-repo.js";

// Six more prompts, for the activations started at the same moment.
const FLEET = ["fleet/alpha", "fleet/bravo", "fleet/charlie", "fleet/delta", "fleet/echo", "fleet/foxtrot"];

// One repository for the file: each test starts from the published history with no lockfile.
let repo: EnvRepo;
let base: string;
beforeAll(async () => {
  repo = await makeEnvRepo({
    extraPrompts: Object.fromEntries(FLEET.map((id) => [`prompts/${id}.prompt.yaml`, fleetPrompt(id)])),
  });
  base = (await repo.git("rev-parse", "HEAD")).trim();
});
afterEach(async () => {
  await repo.resetTo(base);
});
afterAll(async () => {
  await repo.cleanup();
});

describe("promptops activate", () => {
  it("points production at support v2: version, the tag's hash and commit, when, who, why, and no previous", async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const result = await repo.cli("activate", "support@2", "--env", "production", "-m", "v3 is too soft");
    const after = Date.now();

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("production: support nothing -> v2");
    const lockfile = await repo.lockfile();
    expect(Object.keys(lockfile.environments)).toEqual(["production"]);
    const entry = lockfile.environments.production!.support!;
    expect(entry).toEqual({
      version: 2,
      hash: await repo.tagHash("prompt/support/v2"),
      commit: await repo.tagCommit("prompt/support/v2"),
      activatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      activatedBy: IDENTITY,
      reason: "v3 is too soft",
      previous: null,
    });
    const activatedAt = Date.parse(entry.activatedAt);
    expect(activatedAt).toBeGreaterThanOrEqual(before);
    expect(activatedAt).toBeLessThanOrEqual(after);
    // The identity is the repository's own, as git would sign a commit.
    const name = (await repo.git("config", "user.name")).trim();
    const email = (await repo.git("config", "user.email")).trim();
    expect(entry.activatedBy).toBe(`${name} <${email}>`);
  });

  it("stores v2's compiled content under its hash, read from the tag and not from the working tree", async () => {
    await repo.write(TONE, "Be curt.\n");
    await repo.ok("activate", "support@2", "--env", "production");

    const lockfile = await repo.lockfile();
    const { hash } = lockfile.environments.production!.support!;
    expect(Object.keys(lockfile.prompts)).toEqual([hash]);
    const stored = lockfile.prompts[hash]!;
    expect(stored).toMatchObject({
      id: "support",
      version: 2,
      model: { provider: "openai", name: "gpt-4o-mini", params: { temperature: 0.2 } },
      variables: { userMessage: { type: "string", maxLength: 4000 } },
    });
    expect(stored.messages).toHaveLength(2);
    expect(stored.messages[0]).toMatchObject({ role: "system" });
    // The partial is inlined; the template itself is kept for rendering at run time.
    const system = JSON.stringify(stored.messages[0]);
    expect(system).toContain(SUPPORT_TONE[2]);
    expect(system).not.toContain("Be curt.");
    expect(stored.messages[1]).toEqual({ role: "user", content: "{{ userMessage }}" });
    expect(Object.keys(stored).sort()).toEqual(["id", "messages", "model", "variables", "version"]);
  });

  it("writes sorted-key JSON with a 2-space indent and a trailing newline", async () => {
    await repo.activateAll(["support@1", "staging"], ["billing/refund@2", "production"]);

    const text = (await repo.lockText())!;
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toMatch(/^\{\n {2}"environments": \{\n {4}"production": \{\n {6}"billing\/refund": \{\n/);
    expect(Object.keys(JSON.parse(text))).toEqual(["environments", "lockfileVersion", "prompts"]);
  });

  it("records the version it replaces as previous", async () => {
    await repo.ok("activate", "support@1", "--env", "production");
    const result = await repo.cli("activate", "support@3", "--env", "production", "-m", "kinder");
    expect(result.stdout).toContain("production: support v1 -> v3");

    const lockfile = await repo.lockfile();
    expect(lockfile.environments.production!.support).toMatchObject({
      version: 3,
      previous: 1,
      reason: "kinder",
    });
    // Only content something points at is kept.
    expect(Object.values(lockfile.prompts).map((p) => `${p.id}@${p.version}`)).toEqual(["support@3"]);
  });

  it("says the version is already active and leaves the file byte for byte as it was", async () => {
    await repo.ok("activate", "support@2", "--env", "production", "-m", "first time");
    const before = await repo.lockText();

    const result = await repo.cli("activate", "support@2", "--env", "production", "-m", "second time");

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("already");
    expect(result.stdout).toContain("v2");
    expect(await repo.lockText()).toBe(before);
  });
});

describe("promptops activate refuses", () => {
  it("an unknown environment, naming the configured ones, and creates no lockfile", async () => {
    const result = await repo.cli("activate", "support@2", "--env", "prod");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown environment "prod"');
    expect(result.stderr).toContain("staging, production");
    expect(result.stderr).not.toContain("    at ");
    expect(await repo.lockText()).toBeUndefined();
  });

  it("an unknown environment, leaving an existing lockfile untouched", async () => {
    await repo.ok("activate", "support@1", "--env", "staging");
    const before = await repo.lockText();

    const result = await repo.cli("activate", "support@2", "--env", "qa");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("staging, production");
    expect(await repo.lockText()).toBe(before);
  });

  it("an unknown prompt id, suggesting the one that was meant", async () => {
    const result = await repo.cli("activate", "suport@2", "--env", "production");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown prompt "suport"');
    expect(result.stderr).toContain('did you mean "support"');
    expect(await repo.lockText()).toBeUndefined();
  });

  it("a version that was never published, listing the ones that were", async () => {
    const result = await repo.cli("activate", "support@7", "--env", "production");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("support has no version 7");
    expect(result.stderr).toContain("v1, v2, v3");
    expect(await repo.lockText()).toBeUndefined();
  });

  it("a version whose tag was moved to other content, though its message and trailers were kept", async () => {
    const tagObject = (await repo.git("rev-parse", "refs/tags/prompt/support/v2")).trim();
    const message = await repo.git("for-each-ref", "--format=%(contents)", "refs/tags/prompt/support/v2");
    await repo.write(TONE, "Be curt.\n");
    await repo.commit("Curt tone");
    await repo.gitIn(repo.root, ["tag", "-a", "-f", "--file=-", "prompt/support/v2", "HEAD"], message);
    try {
      const result = await repo.cli("activate", "support@2", "--env", "production");

      expect(result.code).toBe(1);
      expect(result.stderr).toContain("prompt/support/v2");
      expect(result.stderr).toContain("no longer matches its Prompt-Hash");
      expect(await repo.lockText()).toBeUndefined();
      // The versions around it are still fine.
      expect((await repo.cli("activate", "support@3", "--env", "production")).code).toBe(0);
    } finally {
      // The other tests read the tag as publish made it.
      await repo.git("update-ref", "refs/tags/prompt/support/v2", tagObject);
    }
  });
});

describe("activations run at the same moment", () => {
  it("six activate processes for six prompts all succeed, and the lockfile keeps all six entries", async () => {
    // Six separate processes, as six deploy jobs would start them: nothing serialises them but
    // the lockfile's own lock.
    const results = await Promise.all(
      FLEET.map((id) => repo.cli("activate", `${id}@1`, "--env", "production", "-m", `ship ${id}`)),
    );

    for (const [i, result] of results.entries()) {
      expect(result.stderr, FLEET[i]).toBe("");
      expect(result.code, FLEET[i]).toBe(0);
      expect(result.stdout).toContain(`production: ${FLEET[i]} nothing -> v1`);
    }
    const lockfile = await repo.lockfile();
    const production = lockfile.environments.production!;
    expect(Object.keys(production).sort()).toEqual(FLEET);
    for (const id of FLEET) {
      expect(production[id]).toMatchObject({ version: 1, reason: `ship ${id}`, previous: null });
      expect(lockfile.prompts[production[id]!.hash]).toMatchObject({ id, version: 1 });
    }
    expect(Object.keys(lockfile.prompts)).toHaveLength(6);
    // No temp or lock file is left behind, and the result is what `lock` would write.
    expect((await repo.git("status", "--porcelain", "--untracked-files=all")).trim()).toBe(
      "?? promptops.lock",
    );
    expect((await repo.cli("lock", "--check")).code).toBe(0);
  });
});

describe("a lockfile that is not a regular file", () => {
  it("activate and lock refuse a FIFO in place of promptops.lock at once, with exit 2, instead of hanging", async () => {
    execFileSync("mkfifo", [join(repo.root, "promptops.lock")]);
    try {
      for (const args of [["activate", "support@2", "--env", "production"], ["lock"]]) {
        const result = await repo.cli(...args);
        expect(result.code, args[0]).toBe(2);
        expect(result.stderr, args[0]).toContain("is a FIFO, not a regular file");
      }
    } finally {
      rmSync(join(repo.root, "promptops.lock"));
    }
  });
});
