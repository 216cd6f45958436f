import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  expectedTagMessage,
  FIRST_COMMIT_SUBJECT,
  makeProjectRepo,
  type ProjectRepo,
  TAGGER,
} from "../fixtures/versions/project-repo.js";

let repo: ProjectRepo;
beforeEach(async () => {
  repo = await makeProjectRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

const SUPPORT = "prompts/support.prompt.yaml";
const TONE = "prompts/partials/tone.njk";

describe("promptops publish", () => {
  it("tags every new prompt as v1: annotated, by the repo's identity, why = last commit, trailers = the draft hash", async () => {
    const head = (await repo.git("rev-parse", "HEAD")).trim();
    const drafts = await repo.draftHashes();

    const result = await repo.cli("publish");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("tagged prompt/support/v1");
    expect(result.stdout).toContain("tagged prompt/billing/refund/v1");
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
    for (const id of ["support", "billing/refund"]) {
      const tag = `prompt/${id}/v1`;
      const [type, tagger] = (
        await repo.git(
          "for-each-ref",
          "--format=%(objecttype)|%(taggername) %(taggeremail)",
          `refs/tags/${tag}`,
        )
      )
        .trim()
        .split("|");
      expect(type).toBe("tag");
      expect(tagger).toBe(TAGGER);
      expect(await repo.tagCommit(tag)).toBe(head);
      expect(await repo.tagMessage(tag)).toBe(expectedTagMessage(FIRST_COMMIT_SUBJECT, id, 1, drafts[id]!));
    }
    // git's own trailer parser reads them too, so `git log`-style tooling can use them.
    const parsed = await repo.gitIn(
      repo.root,
      ["interpret-trailers", "--parse"],
      await repo.tagMessage("prompt/support/v1"),
    );
    expect(parsed).toBe(`Prompt-Id: support\nPrompt-Version: 1\nPrompt-Hash: ${drafts.support}\n`);
  });

  it("tags only the prompts whose included partial changed, as v2, with the reason of the commit that changed it", async () => {
    expect((await repo.cli("publish")).code).toBe(0);
    await repo.edit(TONE, () => "Be warm, concise and specific.\n");
    await repo.commit("Ask for specific answers");
    await repo.write("README.md", "# Acme prompts\n");
    await repo.commit("Add a README");

    const status = await repo.cli("status");
    expect(status.stdout).toMatch(/^support\s+v1\s+changed\b/m);
    expect(status.stdout).toMatch(/^billing\/refund\s+v1\s+unchanged\b/m);

    const drafts = await repo.draftHashes();
    const result = await repo.cli("publish");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("tagged prompt/support/v2");
    expect(result.stdout).toContain("unchanged: billing/refund is the same as v1");
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1", "prompt/support/v2"]);
    expect(await repo.tagMessage("prompt/support/v2")).toBe(
      expectedTagMessage("Ask for specific answers", "support", 2, drafts.support!),
    );
  });

  it("takes the reason from -m when given", async () => {
    await repo.edit(SUPPORT, (text) => text.replace("30-day policy", "60-day policy"));
    await repo.commit("wip");
    const drafts = await repo.draftHashes();

    const result = await repo.cli("publish", "support", "-m", "Extend the refund window to 60 days");

    expect(result.code).toBe(0);
    expect(await repo.tags()).toEqual(["prompt/support/v1"]);
    expect(await repo.tagMessage("prompt/support/v1")).toBe(
      expectedTagMessage("Extend the refund window to 60 days", "support", 1, drafts.support!),
    );
  });

  it("does not make a version when only description, owners or tests changed", async () => {
    expect((await repo.cli("publish")).code).toBe(0);
    const before = await repo.draftHashes();
    await repo.edit(SUPPORT, (text) =>
      text
        .replace("Customer support agent for Acme", "Support agent for Acme, first line")
        .replace('["@acme/support"]', '["@acme/support", "@acme/cx"]')
        .replace('contains: "30-day"', 'icontains: "30-DAY"'),
    );
    await repo.commit("Reword the description, add an owner, loosen a test");

    const status = await repo.cli("status", "--json");
    const support = JSON.parse(status.stdout).prompts.find((p: { id: string }) => p.id === "support");
    expect(support).toMatchObject({ draft: "unchanged", draftHash: before.support, latest: { version: 1 } });

    const result = await repo.cli("publish");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("nothing to publish");
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
  });

  it("--dry-run prints the plan and creates no tag", async () => {
    const text = await repo.cli("publish", "--dry-run");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("would tag prompt/billing/refund/v1");
    expect(text.stdout).toContain("would tag prompt/support/v1");

    const json = await repo.cli("publish", "--dry-run", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      created: [],
      planned: [
        { id: "billing/refund", version: 1, reason: FIRST_COMMIT_SUBJECT },
        { id: "support", version: 1, reason: FIRST_COMMIT_SUBJECT },
      ],
    });
    expect(await repo.tags()).toEqual([]);
  });

  it("publishes a prompt once when it is named twice, by id and by path", async () => {
    const result = await repo.cli("publish", "support", "prompts/support.prompt.yaml");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await repo.tags()).toEqual(["prompt/support/v1"]);
  });

  it("versions prompts whose ids share a prefix (support, support/agent) independently", async () => {
    await repo.write(
      "prompts/support/agent.prompt.yaml",
      'messages:\n  - role: system\n    content: "You hand tickets to a human."\n',
    );
    await repo.commit("Add the hand-off agent");
    expect((await repo.cli("publish", "support", "support/agent")).code).toBe(0);
    await repo.edit("prompts/support/agent.prompt.yaml", (text) => text.replace("a human", "a specialist"));
    await repo.commit("Hand tickets to specialists");

    const second = await repo.cli("publish");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("tagged prompt/support/agent/v2");
    expect(second.stdout).not.toContain("tagged prompt/support/v2");

    const versionsOf = async (id: string) =>
      JSON.parse((await repo.cli("log", id, "--json")).stdout).versions.map(
        (v: { tag: string; reason: string }) => `${v.tag} ${v.reason}`,
      );
    expect(await versionsOf("support")).toEqual([`prompt/support/v1 ${FIRST_COMMIT_SUBJECT}`]);
    expect(await versionsOf("support/agent")).toEqual([
      "prompt/support/agent/v2 Hand tickets to specialists",
      "prompt/support/agent/v1 Add the hand-off agent",
    ]);
  });
});
