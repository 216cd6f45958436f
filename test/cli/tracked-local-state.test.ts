import { cpSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ParsedYamlCache } from "../../src/yaml/parsed-yaml-cache.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { filesUnder, openaiEnv, RUNNER_PROJECT_DIR } from "../fixtures/runner/runner-project.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// A pull request can `git add -f .promptops/`: whatever it commits there must never decide a run.
const KEY = "sk-local-state-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (cwd: string, ...args: string[]) => runCli(args, { cwd, env: openaiEnv(server, KEY) });

/** The runner's project in a git repository, committed, with .promptops/ ignored as init does. */
async function projectRepo(): Promise<TempRepo> {
  repo = await makeTempRepo();
  cpSync(RUNNER_PROJECT_DIR, repo.root, { recursive: true });
  await repo.write(".gitignore", ".promptops/\n");
  await repo.commit("prompts");
  return repo;
}

/** What the attacker's branch holds, checked out as CI does: a fresh clone. */
async function freshClone(): Promise<string> {
  await repo.gitIn(repo.root, ["add", "--all"]);
  await repo.gitIn(repo.root, ["add", "--force", ".promptops"]);
  await repo.gitIn(repo.root, ["commit", "--quiet", "-m", "a wording change"]);
  const clone = join(repo.dir, "clone");
  await repo.gitIn(repo.dir, ["clone", "--quiet", repo.root, clone]);
  return clone;
}

const refusing = "Sorry, I cannot help with that.";

describe("response-cache entries committed to the repository", () => {
  it("are not replies: test asks the provider, warns, and fails as the model does", async () => {
    await projectRepo();
    // Replies that pass every test, cached by a run, then committed with the prompts.
    expect((await promptops(repo.root, "test")).code).toBe(0);
    expect(filesUnder(join(repo.root, ".promptops", "cache"))).toHaveLength(6);
    const clone = await freshClone();
    server.resetForNextTest();
    server.reply = () => refusing; // what the model really says to these prompts now

    const run = await promptops(clone, "test");
    expect(server.stats.total).toBe(6);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "warning: .promptops/cache is tracked by git (6 files): ignored, local state never comes from the repository\n" +
        "  hint: untrack it with: git rm -r --cached .promptops/cache\n",
    );
    // The committed entries stay as they were: the run neither read nor replaced them.
    expect(await repo.gitIn(clone, ["status", "--porcelain", "--", ".promptops/cache"])).toBe("");
  });

  it("are not replies when a tracked symlink leads to them from elsewhere in the repository", async () => {
    await projectRepo();
    expect((await promptops(repo.root, "test")).code).toBe(0);
    // The replies committed as ordinary files, and .promptops/cache a committed link to them.
    renameSync(join(repo.root, ".promptops", "cache"), join(repo.root, "fixtures"));
    symlinkSync(join("..", "fixtures"), join(repo.root, ".promptops", "cache"));
    const clone = await freshClone();
    server.resetForNextTest();
    server.reply = () => refusing;

    const run = await promptops(clone, "test");
    expect(run.stderr).toContain("warning: .promptops/cache is tracked by git: ignored");
    expect(server.stats.total).toBe(6);
    expect(run.code).toBe(1);
    expect(await repo.gitIn(clone, ["status", "--porcelain", "--", "fixtures"])).toBe("");
  });

  it("are not used when git cannot say what it tracks (here a corrupt index)", async () => {
    await projectRepo();
    expect((await promptops(repo.root, "test")).code).toBe(0);
    const clone = await freshClone();
    writeFileSync(join(clone, ".git", "index"), "not an index");
    server.resetForNextTest();
    server.reply = () => refusing;

    const run = await promptops(clone, "test");
    expect(run.stderr).toMatch(
      /^warning: cannot ask git whether \.promptops is tracked, so it is not used \(git .*index.*\)\n {2}hint: /m,
    );
    expect(server.stats.total).toBe(6);
    expect(run.code).toBe(1);
  });

  it("validate reports them as a warning, and passes", async () => {
    await projectRepo();
    expect((await promptops(repo.root, "test")).code).toBe(0);
    const clone = await freshClone();
    const text = await promptops(clone, "validate");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      ".promptops/cache: warning: .promptops/cache is tracked by git (6 files): ignored, local state never comes from the repository",
    );
    const json = JSON.parse((await promptops(clone, "validate", "--json")).stdout);
    expect(json.diagnostics.filter((d: { code: string }) => d.code === "tracked-local-state")).toEqual([
      expect.objectContaining({ severity: "warning", file: ".promptops/cache" }),
      expect.objectContaining({ severity: "warning", file: ".promptops/parsed-yaml.json" }),
      expect.objectContaining({ severity: "warning", file: ".promptops/runs" }),
    ]);
  });
});

describe("a parsed-file cache that describes another text", () => {
  /** A prompt file broken by a YAML error, and a parsed-yaml.json saying it parsed as before. */
  function poisonParsedCache(root: string): void {
    const file = join(root, "prompts", "refund.prompt.yaml");
    const good = readFileSync(file, "utf8");
    const broken = good.replace("messages:", "messages: [unclosed");
    writeFileSync(file, broken);
    const cacheFile = join(root, ".promptops", "parsed-yaml.json");
    const cache = JSON.parse(readFileSync(cacheFile, "utf8"));
    cache.entries[ParsedYamlCache.keyOf(broken)] = cache.entries[ParsedYamlCache.keyOf(good)];
    writeFileSync(cacheFile, JSON.stringify(cache));
  }

  it("is ignored when committed: test stops at the file's YAML error, with a warning", async () => {
    await projectRepo();
    expect((await promptops(repo.root, "test")).code).toBe(0);
    poisonParsedCache(repo.root);
    const clone = await freshClone();

    const run = await promptops(clone, "test");
    expect(run.stderr).toContain("warning: .promptops/parsed-yaml.json is tracked by git: ignored");
    expect(run.stderr).toMatch(/prompts\/refund\.prompt\.yaml:\d+:\d+/);
    expect(run.code).toBe(1);
    expect(await repo.gitIn(clone, ["status", "--porcelain", "--", ".promptops"])).toBe("");
  });

  it("is bypassed by --no-cache even when it is this machine's own", async () => {
    await projectRepo();
    expect((await promptops(repo.root, "test")).code).toBe(0);
    poisonParsedCache(repo.root);

    const run = await promptops(repo.root, "test", "--no-cache");
    expect(run.stderr).not.toContain("warning:");
    expect(run.stderr).toMatch(/prompts\/refund\.prompt\.yaml:\d+:\d+/);
    expect(run.code).toBe(1);
  });
});

describe("local state of a project outside any git repository", () => {
  it("is used as it is, with no warning", async () => {
    await projectRepo();
    // The same project, copied out of the repository.
    const plain = join(repo.dir, "plain");
    cpSync(repo.root, plain, { recursive: true, filter: (path) => !path.endsWith(".git") });
    expect((await promptops(plain, "test")).code).toBe(0);
    server.resetForNextTest();
    const again = await promptops(plain, "test");
    expect({ code: again.code, stderr: again.stderr, sent: server.stats.total }).toEqual({
      code: 0,
      stderr: "",
      sent: 0,
    });
  });
});
