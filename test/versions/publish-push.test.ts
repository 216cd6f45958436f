import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeProjectRepo, type ProjectRepo } from "../fixtures/versions/project-repo.js";

let repo: ProjectRepo;
beforeEach(async () => {
  repo = await makeProjectRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

/** `<sha> <ref>` lines of the remote's tags, peeled ones (^{}) left out. */
async function remoteTags(remote: string): Promise<Map<string, string>> {
  const lines = (await repo.git("ls-remote", "--tags", remote)).split("\n").filter(Boolean);
  return new Map(
    lines
      .map((line) => line.split("\t") as [string, string])
      .filter(([, ref]) => !ref.endsWith("^{}"))
      .map(([sha, ref]) => [ref.replace(/^refs\/tags\//, ""), sha]),
  );
}

describe("publish --push", () => {
  it("pushes the new tags to the remote and says which", async () => {
    await repo.makeBareRemote("origin");

    const result = await repo.cli("publish", "--push");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pushed prompt/billing/refund/v1 to origin");
    expect(result.stdout).toContain("pushed prompt/support/v1 to origin");
    const remote = await remoteTags("origin");
    expect([...remote.keys()].sort()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
    // The same annotated tag objects, not lightweight copies.
    const local = (await repo.git("rev-parse", "refs/tags/prompt/support/v1")).trim();
    expect(remote.get("prompt/support/v1")).toBe(local);
  });

  it("pushes to the remote named by --remote", async () => {
    await repo.makeBareRemote("upstream");
    const result = await repo.cli("publish", "support", "--push", "--remote", "upstream");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pushed prompt/support/v1 to upstream");
    expect([...(await remoteTags("upstream")).keys()]).toEqual(["prompt/support/v1"]);
  });

  it("keeps the tags when there is no such remote, exits 1 and says how to retry", async () => {
    const result = await repo.cli("publish", "--push");

    expect(result.stderr).not.toContain("internal error");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("tagged prompt/support/v1");
    expect(`${result.stdout}${result.stderr}`).toContain(
      "git push origin refs/tags/prompt/billing/refund/v1 refs/tags/prompt/support/v1",
    );
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
  });

  it("keeps the tags when the remote already has another tag of that name, and leaves the remote's alone", async () => {
    await repo.makeBareRemote("origin");
    // Someone else published v1 of support from another commit (here: as a plain tag on HEAD).
    await repo.git("push", "--quiet", "origin", "HEAD:refs/tags/prompt/support/v1");
    const theirs = (await remoteTags("origin")).get("prompt/support/v1");

    const result = await repo.cli("publish", "--push");

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("pushed prompt/billing/refund/v1 to origin");
    expect(result.stdout).toMatch(/push of prompt\/support\/v1 to origin failed: .*already exists/);
    expect(result.stdout).toContain("retry with: git push origin refs/tags/prompt/support/v1");
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
    expect((await remoteTags("origin")).get("prompt/support/v1")).toBe(theirs);
  });
});
