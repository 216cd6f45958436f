import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EnvRepo, makeEnvRepo, SUPPORT_TONE } from "../fixtures/environments/env-repo.js";

// git can make repositories whose object ids are SHA-256 (64 hex digits, `git init
// --object-format=sha256`); versions, the lockfile and its checks must not assume SHA-1's 40.
let repo: EnvRepo;
beforeAll(async () => {
  repo = await makeEnvRepo({ objectFormat: "sha256" });
});
afterAll(async () => {
  await repo.cleanup();
});

describe("a SHA-256 repository", () => {
  it("publishes, activates, renders, verifies and checks the lockfile like any other", async () => {
    expect((await repo.git("rev-parse", "HEAD")).trim()).toMatch(/^[0-9a-f]{64}$/);
    await repo.ok("activate", "support@2", "--env", "production", "-m", "specific answers");
    const entry = (await repo.lockfile()).environments.production!.support!;
    expect(entry.commit).toBe(await repo.tagCommit("prompt/support/v2"));
    expect(entry.commit).toMatch(/^[0-9a-f]{64}$/);

    await repo.commit("Activate support v2 in production");
    for (const args of [["verify"], ["lock", "--check"], ["status"], ["log", "support"]]) {
      const result = await repo.cli(...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
    }
    const rendered = await repo.ok("render", "support", "--env", "production", "--var", "userMessage=hi");
    expect(rendered).toContain(SUPPORT_TONE[2]);
  });
});
