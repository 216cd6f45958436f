import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// The story of issue 18: Ada (author and tagger) and Bob (approver) share a bare remote;
// production is protected and needs a passing test record and one approval by an owner who
// did not tag the version. Steps run in order, on one repository.
const CONFIG = `promptsDir: prompts
environments: [staging, { name: production, protected: { tests: true, approvals: 1 } }]
owners:
  "@acme/support": [ada@example.test, Bob@Acme.io]
`;
const prompt = (window: string) => `owners: ["@acme/support"]
model: { provider: openai, name: gpt-4o-mini }
messages:
  - role: system
    content: Refunds within ${window}.
tests:
  - name: mentions the window
    assert:
      - contains: "refund"
`;
// An exec provider that always answers well: a real model call is not what these tests are about.
const REPLY = `process.stdin.resume(); process.stdin.on("end", () => process.stdout.write("Your refund is on its way."));\n`;
const PROVIDER = ["--providers", "exec:node reply.cjs"];
const BOB = {
  GIT_AUTHOR_NAME: "Bob Approver",
  GIT_AUTHOR_EMAIL: "bob@acme.io",
  GIT_COMMITTER_NAME: "Bob Approver",
  GIT_COMMITTER_EMAIL: "bob@acme.io",
};
const FETCH_NOTES = ["fetch", "--quiet", "origin", "refs/notes/promptops:refs/notes/promptops"];

let repo: TempRepo;
let bobClone: string;
const cli = (args: string[], cwd = repo.root, env?: NodeJS.ProcessEnv): Promise<CliResult> =>
  runCli(args, { cwd, ...(env ? { env } : {}) });
async function ok(args: string[], cwd = repo.root, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await cli(args, cwd, env);
  if (result.code !== 0)
    throw new Error(`promptops ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
const lockfile = async (root = repo.root) => JSON.parse(await readFile(join(root, "promptops.lock"), "utf8"));
const tagCommit = async (tag: string) => (await repo.git("rev-parse", `${tag}^{commit}`)).trim();

beforeAll(async () => {
  repo = await makeTempRepo();
  await repo.write("promptops.config.yaml", CONFIG);
  await repo.write("prompts/support.prompt.yaml", prompt("30 days"));
  await repo.write("reply.cjs", REPLY);
  await repo.commit("support prompt");
  await repo.makeBareRemote();
  await ok(["publish", "-m", "first version"]);
  await repo.git("push", "--quiet", "origin", "main", "--tags");
  bobClone = join(repo.dir, "bob");
  await repo.gitIn(repo.dir, [
    "clone",
    "--quiet",
    "--branch",
    "main",
    join(repo.dir, "origin.git"),
    bobClone,
  ]);
}, 60_000);
afterAll(async () => {
  await repo.cleanup();
});

describe("a protected environment", () => {
  it("refuses a version with no records, saying what is missing and how to get it, and writes nothing", async () => {
    await ok(["activate", "support@1", "--env", "staging"]);
    const before = await readFile(join(repo.root, "promptops.lock"), "utf8");

    const result = await cli(["activate", "support@1", "--env", "production"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("production is protected: support v1");
    expect(result.stderr).toContain("lacks a passing test record and 1 more approval");
    expect(result.stderr).toContain("promptops test support --version 1");
    expect(result.stderr).toContain("promptops approve support@1");
    const promote = await cli(["promote", "support", "--from", "staging", "--to", "production"]);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toContain("production is protected: support v1");
    expect(await readFile(join(repo.root, "promptops.lock"), "utf8")).toBe(before);
  });

  it("a passing test of the published version writes a test record on its tag commit and pushes it", async () => {
    const result = await cli(["test", "support", "--version", "1", ...PROVIDER, "--push"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("recorded: test record for support v1");
    const remoteNote = await repo.gitIn(join(repo.dir, "origin.git"), [
      "notes",
      "--ref=promptops",
      "show",
      await tagCommit("prompt/support/v1"),
    ]);
    expect(JSON.parse(remoteNote.trim())).toMatchObject({
      kind: "test",
      prompt: "support",
      version: 1,
      by: "Ada Tester <ada@example.test>",
      providers: ["exec:node reply.cjs"],
      summary: { total: 1, passed: 1, failed: 0, errors: 0 },
    });
  });

  it("the tagger's own approval does not count, and says so", async () => {
    await repo.gitIn(bobClone, FETCH_NOTES); // Bob has the test record, not what Ada does next

    const approval = await cli(["approve", "support@1", "-m", "mine", "--push"]);
    expect(approval.code).toBe(0);
    expect(approval.stderr).toContain("will not count: you (ada@example.test) tagged prompt/support/v1");

    const result = await cli(["activate", "support@1", "--env", "production"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lacks 1 more approval");
    expect(result.stderr).not.toContain("passing test record");
  });

  it("an owner's approval from another clone merges with notes pushed meanwhile, and production opens", async () => {
    const approval = await cli(
      ["approve", "support@1", "-m", "reviewed the wording", "--push"],
      bobClone,
      BOB,
    );
    expect(approval.stderr).toBe("");
    expect(approval.code).toBe(0);
    expect(approval.stdout).toContain("pushed refs/notes/promptops (merged-and-pushed)");

    await repo.git(...FETCH_NOTES);
    const note = await repo.git("notes", "--ref=promptops", "show", await tagCommit("prompt/support/v1"));
    const kinds = note
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .map((r: { kind: string; by: string }) => `${r.kind} ${r.by}`);
    expect(kinds.sort()).toEqual([
      "approval Ada Tester <ada@example.test>",
      "approval Bob Approver <bob@acme.io>",
      "test Ada Tester <ada@example.test>",
    ]);

    const result = await cli(["activate", "support@1", "--env", "production", "-m", "ship"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((await lockfile()).environments.production.support.version).toBe(1);
  });

  it("a fresh clone that fetches the notes passes verify and lock --check", async () => {
    await repo.commit("production: support v1");
    await repo.git("push", "--quiet", "origin", "main");
    const ci = join(repo.dir, "ci");
    await repo.gitIn(repo.dir, ["clone", "--quiet", "--branch", "main", join(repo.dir, "origin.git"), ci]);

    const before = await cli(["lock", "--check"], ci);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("production/support: v1 is active in a protected environment without");

    await repo.gitIn(ci, FETCH_NOTES);
    const check = await cli(["lock", "--check"], ci);
    expect(check.stdout).not.toContain("error");
    expect(check.code).toBe(0);
    expect((await cli(["verify"], ci)).code).toBe(0);
  });

  it("lock --check catches a hand-edited lockfile pointing production at an untested, unapproved version", async () => {
    await repo.write("prompts/support.prompt.yaml", prompt("60 days"));
    await repo.commit("longer window");
    await ok(["publish", "-m", "60 days"]);
    await ok(["activate", "support@2", "--env", "staging"]);
    const edited = await lockfile();
    edited.environments.production.support = { ...edited.environments.staging.support, previous: 1 };
    await writeFile(join(repo.root, "promptops.lock"), `${JSON.stringify(edited, null, 2)}\n`);

    const check = await cli(["lock", "--check"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      "production/support: v2 is active in a protected environment without a passing test record and 1 more approval",
    );
    const verify = await cli(["verify"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("production/support: v2 is active in a protected environment");
    await repo.git("checkout", "--quiet", "--", "promptops.lock");
  });

  it("records for another hash, and lines that do not parse, are ignored with a warning and never count", async () => {
    const v1 = JSON.parse(
      (await repo.git("notes", "--ref=promptops", "show", await tagCommit("prompt/support/v1"))).split(
        "\n",
      )[0]!,
    );
    const forged = (kind: string) =>
      JSON.stringify({ ...v1, kind, version: 2, by: "Bob Approver <bob@acme.io>", reason: "forged" });
    const v2Commit = await tagCommit("prompt/support/v2");
    const test = JSON.stringify({
      ...JSON.parse(forged("test")),
      providers: ["exec:x"],
      summary: { total: 1, passed: 1, failed: 0, errors: 0 },
    });
    await repo.gitIn(
      repo.root,
      ["notes", "--ref=promptops", "append", "-F", "-", v2Commit],
      `${forged("approval")}\n${test}\n{oops\n`,
    );

    const result = await cli(["activate", "support@2", "--env", "production"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lacks a passing test record and 1 more approval");
    expect(result.stderr).toMatch(
      /warning: an approval record for support v2 by Bob Approver <bob@acme.io> names sha256:.*; ignored/,
    );
    expect(result.stderr).toMatch(
      /warning: refs\/notes\/promptops note on [0-9a-f]{12}, line 3: not a JSON record; ignored/,
    );
  });

  it("a rollback to a version that was tested and approved before needs nothing new", async () => {
    await ok(["test", "support", "--version", "2", ...PROVIDER]);
    await repo.git("push", "--quiet", "origin", "main", "--tags");
    await repo.git("push", "--quiet", "origin", "refs/notes/promptops:refs/notes/promptops");
    await repo.gitIn(bobClone, ["fetch", "--quiet", "--tags", "origin"]);
    await repo.gitIn(bobClone, FETCH_NOTES);
    await ok(["approve", "support@2", "--push"], bobClone, BOB);
    await repo.git(...FETCH_NOTES);
    await ok(["activate", "support@2", "--env", "production"]);
    await repo.commit("production: support v2");

    const result = await cli(["rollback", "support", "--env", "production", "-m", "v2 reads badly"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((await lockfile()).environments.production.support.version).toBe(1);
  });
});
