import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIRST_COMMIT_SUBJECT,
  makeProjectRepo,
  type ProjectRepo,
} from "../fixtures/versions/project-repo.js";

const SUPPORT = "prompts/support.prompt.yaml";
const TONE = "prompts/partials/tone.njk";

// One history, read by every test below: support v1 (warm and concise), v2 (tone made more
// specific), and a draft with uncommitted edits to both the prompt and the partial.
let repo: ProjectRepo;
let v1Commit: string;
let v2Commit: string;
let published: Record<string, string>;
let startedAt: number;
beforeAll(async () => {
  // Tag dates have one-second precision.
  startedAt = Math.floor(Date.now() / 1000) * 1000;
  repo = await makeProjectRepo();
  v1Commit = (await repo.git("rev-parse", "HEAD")).trim();
  await expectOk(repo.cli("publish"));
  await repo.edit(TONE, () => "Be warm, concise and specific.\n");
  v2Commit = await repo.commit("Ask for specific answers");
  await expectOk(repo.cli("publish", "-m", "Ask for specifics\n\nVague answers made customers write back."));
  published = await repo.draftHashes();
  await repo.edit(TONE, () => "Be warm, concise, specific and kind.\n");
  await repo.edit(SUPPORT, (text) => text.replace("30-day policy", "60-day policy"));
});
afterAll(async () => {
  await repo.cleanup();
});

async function expectOk(run: Promise<{ code: number; stderr: string }>): Promise<void> {
  const result = await run;
  if (result.code !== 0) throw new Error(`test setup: command failed: ${result.stderr}`);
}

describe("promptops log", () => {
  it("lists versions newest first with version, hash, commit, tagger, date and reason", async () => {
    const result = await repo.cli("log", "support");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    const headers = lines.filter((line) => /^v\d/.test(line));
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(
      new RegExp(
        `^v2  ${published.support!.slice(0, 15)}  ${v2Commit.slice(0, 7)}  Ada Tester <ada@example\\.test>  \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(headers[1]).toMatch(new RegExp(`^v1  sha256:[0-9a-f]{8}  ${v1Commit.slice(0, 7)}  Ada Tester`));
    // The reason, indented under its version.
    expect(result.stdout).toContain(
      "    Ask for specifics\n    \n    Vague answers made customers write back.\n",
    );
    expect(lines.at(-2)).toBe(`    ${FIRST_COMMIT_SUBJECT}`);
  });

  it("--json gives the same, with full hashes and commits", async () => {
    const result = await repo.cli("log", "support", "--json");
    expect(result.code).toBe(0);
    const log = JSON.parse(result.stdout);
    expect(log.id).toBe("support");
    expect(log.versions).toMatchObject([
      {
        version: 2,
        tag: "prompt/support/v2",
        hash: published.support,
        commit: v2Commit,
        tagger: { name: "Ada Tester", email: "ada@example.test" },
        reason: "Ask for specifics\n\nVague answers made customers write back.",
      },
      {
        version: 1,
        tag: "prompt/support/v1",
        hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        commit: v1Commit,
        reason: FIRST_COMMIT_SUBJECT,
      },
    ]);
    for (const version of log.versions) {
      const date = Date.parse(version.tagger.date);
      expect(date).toBeGreaterThanOrEqual(startedAt);
      expect(date).toBeLessThanOrEqual(Date.now());
    }
  });

  it("refuses an unknown id with exit 2 and suggests the closest", async () => {
    const result = await repo.cli("log", "suport");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown prompt "suport"');
    expect(result.stderr).toContain('did you mean "support"?');
  });
});

describe("promptops diff", () => {
  it("by default shows latest version -> draft, with the changed partial line as -/+", async () => {
    const result = await repo.cli("diff", "support");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--- support@v2");
    expect(result.stdout).toContain("+++ support@draft");
    expect(result.stdout).toMatch(/^- +Be warm, concise and specific\.$/m);
    expect(result.stdout).toMatch(/^\+ +Be warm, concise, specific and kind\.$/m);
    expect(result.stdout).toMatch(/^- .*30-day policy\.$/m);
    expect(result.stdout).toMatch(/^\+ .*60-day policy\.$/m);
    expect(result.stdout).toMatch(/static prompt tokens \(estimated\): \d+ -> \d+ \(\+\d+\)/);
  });

  it("between two versions, reads both from git, not the working tree", async () => {
    const result = await repo.cli("diff", "support", "v1", "2");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--- support@v1");
    expect(result.stdout).toContain("+++ support@v2");
    expect(result.stdout).toMatch(/^- +Be warm and concise\.$/m);
    expect(result.stdout).toMatch(/^\+ +Be warm, concise and specific\.$/m);
    expect(result.stdout).not.toContain("kind");
    expect(result.stdout).not.toContain("60-day");
  });

  it("says when both sides have the same content", async () => {
    const result = await repo.cli("diff", "billing/refund");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^billing\/refund: v1 and draft have the same content/);
    expect(result.stdout).not.toContain("@@");
  });

  it("--json carries both hashes and the token delta", async () => {
    const result = await repo.cli("diff", "support", "v1", "v2", "--json");
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout);
    expect(diff).toMatchObject({
      id: "support",
      from: { label: "v1" },
      to: { label: "v2", hash: published.support },
    });
    // "and specific" is one or two more tokens, never fewer.
    expect(diff.tokenDelta).toBeGreaterThan(0);
    expect(diff.tokenDelta).toBe(diff.to.staticTokens - diff.from.staticTokens);
    expect(diff.patch).toContain("+      Be warm, concise and specific.");
  });
});

describe("promptops render --version", () => {
  const render = (...extra: string[]) =>
    repo.cli("render", "support", "--format", "text", "--var", "userMessage=Hello", ...extra);

  it("renders a published version from its tag, whatever the working tree and partials say now", async () => {
    const v1 = await render("--version", "1");
    expect(v1.code).toBe(0);
    expect(v1.stdout).toContain("Refunds: 30-day policy.");
    expect(v1.stdout).toContain("Be warm and concise.");

    const v2 = await render("--version", "v2");
    expect(v2.stdout).toContain("Be warm, concise and specific.");
    expect(v2.stdout).toContain("30-day");

    // The draft, for contrast: the working tree really did change.
    const draft = await render();
    expect(draft.stdout).toContain("Refunds: 60-day policy.");
    expect(draft.stdout).toContain("Be warm, concise, specific and kind.");
  });

  it("refuses a version that was never published, listing those that were", async () => {
    const result = await render("--version", "3");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("support has no version 3");
    expect(result.stderr).toContain("v1, v2");
  });
});
