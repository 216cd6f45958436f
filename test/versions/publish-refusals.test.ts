import { existsSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeProjectRepo, type ProjectRepo } from "../fixtures/versions/project-repo.js";
import { makeProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

describe("publish refuses a prompt with uncommitted changes, and tags nothing", () => {
  let repo: ProjectRepo;
  beforeAll(async () => {
    repo = await makeProjectRepo();
  });
  afterEach(async () => {
    await repo.discardChanges();
  });
  afterAll(async () => {
    await repo.cleanup();
  });

  const cases: Array<{ change: string; path: string; make: (repo: ProjectRepo) => Promise<void> }> = [
    {
      change: "the prompt file is modified",
      path: "prompts/support.prompt.yaml",
      make: (r) => r.edit("prompts/support.prompt.yaml", (t) => t.replace("30-day", "60-day")),
    },
    {
      change: "the change to the prompt file is staged",
      path: "prompts/support.prompt.yaml",
      make: async (r) => {
        await r.edit("prompts/support.prompt.yaml", (t) => t.replace("30-day", "60-day"));
        await r.git("add", "prompts/support.prompt.yaml");
      },
    },
    {
      change: "a partial it includes is modified",
      path: "prompts/partials/tone.njk",
      make: (r) => r.edit("prompts/partials/tone.njk", () => "Be curt.\n"),
    },
    {
      change: "the prompt is new and untracked",
      path: "prompts/faq.prompt.yaml",
      make: (r) => r.write("prompts/faq.prompt.yaml", 'messages:\n  - role: user\n    content: "FAQ"\n'),
    },
  ];

  it.each(cases)("when $change", async ({ make, path }) => {
    await make(repo);
    const result = await repo.cli("publish");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`uncommitted changes in ${path}`);
    expect(result.stderr).toContain("hint: commit them first");
    expect(await repo.tags()).toEqual([]);
  });
});

describe("publish refuses a repository state it cannot tag safely", () => {
  let repo: ProjectRepo;
  afterEach(async () => {
    await repo?.cleanup();
  });

  it("outside a git repository: exit 2, and no repository is created", async () => {
    const project = makeProjectDir();
    try {
      project.write("prompts/hello.prompt.yaml", 'messages:\n  - role: user\n    content: "Hi"\n');
      // Stop git's repository discovery at the temp folder, whatever encloses it on this machine.
      const env = { GIT_CEILING_DIRECTORIES: await realpath(tmpdir()) };
      const result = await runCli(["publish"], { cwd: await realpath(project.root), env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("is not inside a git repository");
      expect(existsSync(join(project.root, ".git"))).toBe(false);
    } finally {
      project.cleanup();
    }
  });

  it("on a detached HEAD, unless --allow-detached", async () => {
    repo = await makeProjectRepo();
    await repo.git("checkout", "--quiet", "--detach");
    const head = (await repo.git("rev-parse", "HEAD")).trim();

    const refused = await repo.cli("publish");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("HEAD is detached");
    expect(refused.stderr).toContain("--allow-detached");
    expect(await repo.tags()).toEqual([]);

    const allowed = await repo.cli("publish", "--allow-detached");
    expect(allowed.code).toBe(0);
    expect(await repo.tags()).toEqual(["prompt/billing/refund/v1", "prompt/support/v1"]);
    expect(await repo.tagCommit("prompt/support/v1")).toBe(head);
  });

  it("in a shallow clone, whose history and tags may be incomplete", async () => {
    repo = await makeProjectRepo();
    expect((await repo.cli("publish")).code).toBe(0);
    await repo.edit("prompts/partials/tone.njk", () => "Be warm, concise and specific.\n");
    await repo.commit("Ask for specific answers");
    // file:// makes git really honour --depth (a plain path would copy the whole repository).
    const clone = join(repo.dir, "shallow");
    await repo.gitIn(repo.dir, ["clone", "--quiet", "--depth", "1", pathToFileURL(repo.root).href, clone]);
    const tagsBefore = await repo.gitIn(clone, ["tag", "--list"]);

    const result = await runCli(["publish"], { cwd: clone });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("shallow clone");
    expect(result.stderr).toContain("git fetch --unshallow --tags");
    expect(await repo.gitIn(clone, ["tag", "--list"])).toBe(tagsBefore);
  });
});

describe("publish is all or nothing", () => {
  let repo: ProjectRepo;
  afterEach(async () => {
    await repo.cleanup();
  });

  it("when the second tag cannot be created, the first one is removed again", async () => {
    repo = await makeProjectRepo();
    // A ref cannot be both a file and a folder: "prompt/support" blocks "prompt/support/v1",
    // which git only finds out when it writes it, after prompt/billing/refund/v1 was made.
    await repo.git("tag", "prompt/support");

    const result = await repo.cli("publish");

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("no version was created");
    expect(result.stderr).toContain("refs/tags/prompt/support");
    expect(await repo.tags()).toEqual(["prompt/support"]);
  });
});
