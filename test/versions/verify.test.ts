import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectedTagMessage, makeProjectRepo, type ProjectRepo } from "../fixtures/versions/project-repo.js";

const TONE = "prompts/partials/tone.njk";

async function publish(repo: ProjectRepo, ...args: string[]): Promise<void> {
  const result = await repo.cli("publish", ...args);
  if (result.code !== 0) throw new Error(`test setup: publish failed: ${result.stderr}`);
}

interface VerifyJson {
  ok: boolean;
  versionsChecked: number;
  problems: Array<{ id?: string; version?: number; tag: string; message: string }>;
}

describe("promptops verify", () => {
  let repo: ProjectRepo;
  afterEach(async () => {
    await repo.cleanup();
  });

  it("passes a repository whose every version tag was made by publish", async () => {
    repo = await makeProjectRepo();
    await publish(repo);
    await repo.edit(TONE, () => "Be warm, concise and specific.\n");
    await repo.commit("Ask for specific answers");
    await publish(repo);

    const result = await repo.cli("verify");
    expect(result.stdout).toContain("3 versions checked: 0 problems");
    expect(result.code).toBe(0);
  });

  it("reports a tag moved to a commit with other content, though its message and trailers were kept", async () => {
    repo = await makeProjectRepo();
    await publish(repo);
    const message = await repo.tagMessage("prompt/support/v1");
    await repo.edit(TONE, () => "Be curt.\n");
    await repo.commit("Curt tone");
    await repo.gitIn(
      repo.root,
      ["tag", "--annotate", "--force", "--file=-", "prompt/support/v1", "HEAD"],
      message,
    );
    expect(await repo.tagMessage("prompt/support/v1")).toBe(message);

    const result = await repo.cli("verify");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^error: support v1: .*the tag was moved or its content tampered with$/m);
    expect(result.stdout).not.toContain("billing/refund");
    expect(result.stdout).toContain("2 versions checked: 1 problem");

    const json: VerifyJson = JSON.parse((await repo.cli("verify", "--json")).stdout);
    expect(json.ok).toBe(false);
    expect(json.problems).toMatchObject([{ id: "support", version: 1, tag: "prompt/support/v1" }]);
  });

  it("reports a missing v1 when v2 and v3 exist, and nothing about the versions that are there", async () => {
    repo = await makeProjectRepo();
    await publish(repo, "support");
    for (const tone of ["Be specific.\n", "Be kind.\n"]) {
      await repo.edit(TONE, () => tone);
      await repo.commit(`Tone: ${tone.trim()}`);
      await publish(repo, "support");
    }
    await repo.git("tag", "--delete", "prompt/support/v1");

    const result = await repo.cli("verify", "--json");
    expect(result.code).toBe(1);
    const json: VerifyJson = JSON.parse(result.stdout);
    expect(json.versionsChecked).toBe(2);
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0]).toMatchObject({ id: "support", version: 1 });
    expect(json.problems[0]!.message).toContain("version 1 of support is missing");
  });
});

describe("tags under the prefix that promptops did not make", () => {
  let repo: ProjectRepo;
  beforeAll(async () => {
    repo = await makeProjectRepo();
    await publish(repo);
    await repo.git("tag", "prompt/support/v2");
    await repo.git("tag", "--annotate", "--message", "Hand-made release", "prompt/billing/refund/v2");
  });
  afterAll(async () => {
    await repo.cleanup();
  });

  it("status warns about them and still shows v1 as the latest version", async () => {
    const text = await repo.cli("status");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("warning: tag prompt/support/v2 is a lightweight tag");
    expect(text.stdout).toContain("warning: tag prompt/billing/refund/v2 has no Prompt-Id");
    expect(text.stdout).toMatch(/^support\s+v1\s+unchanged\b/m);

    const json = JSON.parse((await repo.cli("status", "--json")).stdout);
    expect(json.prompts.map((p: { latest: { version: number } }) => p.latest.version)).toEqual([1, 1]);
    expect(json.tagProblems.map((p: { tag: string }) => p.tag).sort()).toEqual([
      "prompt/billing/refund/v2",
      "prompt/support/v2",
    ]);
  });

  it("verify reports each as a problem and exits 1", async () => {
    const result = await repo.cli("verify");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^error: support v2: tag prompt\/support\/v2 is a lightweight tag/m);
    expect(result.stdout).toMatch(/^error: billing\/refund v2: .*no Prompt-Id, Prompt-Version, Prompt-Hash/m);
    expect(result.stdout).toContain("2 versions checked: 2 problems");
  });

  it("log leaves them out", async () => {
    for (const id of ["support", "billing/refund"]) {
      const log = JSON.parse((await repo.cli("log", id, "--json")).stdout);
      expect(log.versions.map((v: { tag: string }) => v.tag)).toEqual([`prompt/${id}/v1`]);
    }
  });

  it("publish will not take their names for a new version", async () => {
    await repo.edit(TONE, () => "Be curt.\n");
    await repo.commit("Curt tone");
    try {
      const result = await repo.cli("publish", "support");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("tag prompt/support/v2 already exists but was not made by promptops");
      expect(await repo.tagCommit("prompt/support/v2")).toBe(await repo.tagCommit("prompt/support/v1"));
    } finally {
      // The other tests read this repository as it was.
      await repo.git("reset", "--quiet", "--hard", "HEAD~1");
    }
  });
});

describe("version numbers", () => {
  it("log orders versions by number, so v10 comes before v9", async () => {
    await using repo = await makeProjectRepo();
    const { support } = await repo.draftHashes();
    // Eleven versions of the same content, made the way publish makes them: one fast-import stream.
    const head = (await repo.git("rev-parse", "HEAD")).trim();
    const stream = Array.from({ length: 11 }, (_, i) => {
      const message = expectedTagMessage(`Release ${i + 1}`, "support", i + 1, support!);
      return `tag prompt/support/v${i + 1}\nfrom ${head}\ntagger Ada Tester <ada@example.test> ${1_700_000_000 + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`;
    }).join("");
    await repo.fastImport(stream);

    const log = JSON.parse((await repo.cli("log", "support", "--json")).stdout);
    expect(log.versions.map((v: { version: number }) => v.version)).toEqual([
      11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    expect((await repo.cli("status")).stdout).toMatch(/^support\s+v11\s+unchanged\b/m);
  });
});
