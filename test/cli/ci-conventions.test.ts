import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { REPORTER_NAMES } from "../../src/reporters/reporter.js";
import { CLI, runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";
import { junitSchemaProblems } from "../reporters/junit-schema-rules.js";

// What a CI user expects of a test runner's exit codes, console and flags, told with the built CLI
// (`npm run build` first) in a throwaway git repository, offline (the echo provider replies with
// the rendered prompt).

const PROMPT = `messages:
  - role: user
    content: "Say hello to {{ name }}."
variables:
  name: { type: string }
tests:
  - name: greets Ada
    vars: { name: Ada }
    assert:
      - contains: "hello to Ada"
  - name: greets Grace
    vars: { name: Grace }
    assert:
      - contains: "hello to Grace"
  - name: says goodbye
    vars: { name: Linus }
    assert:
      - contains: "goodbye"
`;

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
  await repo.write("promptops.config.yaml", "promptsDir: prompts\n");
  await repo.write("prompts/greeting.prompt.yaml", PROMPT);
  await repo.commit("a prompt with three tests, one failing");
});
afterEach(() => repo.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root });
const test = (...args: string[]) => promptops("test", "--providers", "echo", ...args);
/** A CI checkout folder beside the project, holding no promptops project: the job's wrong folder. */
const wrongFolder = () => {
  const dir = join(repo.dir, "ci-workspace");
  mkdirSync(dir, { recursive: true });
  return dir;
};
const readJson = (path: string): RunResults => JSON.parse(readFileSync(join(repo.root, path), "utf8"));

describe("nothing to test is not a green build", () => {
  it("a CI job started in a folder without prompt files fails with a hint", async () => {
    const result = await runCli(["test", "--providers", "echo"], { cwd: wrongFolder() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: no prompt files (*.prompt.yaml) under prompts");
    expect(result.stderr).toContain("hint: run promptops in your project's folder (or pass --cwd)");
  });

  it("--pass-with-no-tests accepts a run with no prompt files", async () => {
    const result = await runCli(["test", "--providers", "echo", "--pass-with-no-tests"], {
      cwd: wrongFolder(),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no prompt files");
  });

  it("a --filter that selects no case exits 1, unless --pass-with-no-tests", async () => {
    const typo = await test("--filter", "greets Adaa");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("no test case matched the selection");
    expect((await test("--filter", "greets Adaa", "--pass-with-no-tests")).code).toBe(0);
  });

  it("--since with no prompt changed exits 0 and says so", async () => {
    const result = await test("--since", "HEAD");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no prompt changed since HEAD");
  });

  it("validate that finds no prompt file exits 1 with a hint", async () => {
    const result = await runCli(["validate"], { cwd: wrongFolder() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no prompt files (*.prompt.yaml) under prompts");
    expect(result.stderr).toContain("hint:");
  });
});

describe("a run CI cancels", () => {
  it("exits 143 on SIGTERM, with the reports written and one line for the cancelled cases", async () => {
    // A provider that never answers, and says when the first request reached it.
    const provider = "exec:touch started && sleep 30";
    const child = spawn(
      process.execPath,
      [CLI, "test", "--providers", provider, "--reporter", "junit", "-o", "junit.xml"],
      { cwd: repo.root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!existsSync(join(repo.root, "started"))) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(stdout).toContain("3 cases cancelled");
    expect(stdout).toContain("0 passed, 0 failed, 3 errors, 3 total · junit.xml");
    expect(readFileSync(join(repo.root, "junit.xml"), "utf8")).toContain('tests="3"');
  });
});

describe("the console always says how the run went", () => {
  it("with only a JUnit file, it shows the failure and one line with the counts and the file", async () => {
    const result = await test("--reporter", "junit", "--output", "junit.xml");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ greeting › says goodbye [echo]");
    expect(result.stdout).toContain('contains: expected output to contain "goodbye"');
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "2 passed, 1 failed, 0 errors, 3 total · junit.xml",
    );
    expect(readFileSync(join(repo.root, "junit.xml"), "utf8")).toContain("<testsuites");
  });

  it("--no-progress shows the failures and the summary but no line per passing case", async () => {
    const result = await test("--no-progress");
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("✓ greeting › greets Ada");
    expect(result.stdout).toContain("✗ greeting › says goodbye [echo]");
    expect(result.stdout).toContain("2 passed, 1 failed, 0 errors, 3 total");
  });
});

describe("what a run costs", () => {
  it("an echo run is free, not of unknown cost: $0 in the console, costUsd 0 in the JSON", async () => {
    const result = await test(
      "--no-cache",
      "--no-progress",
      "--reporter",
      "pretty",
      "--reporter",
      "json",
      "-o",
      "r.json",
    );
    expect(result.stdout).toMatch(/3 total · \S+ · \d+ in \/ \d+ out tokens · \$0$/m);
    const json = readJson("r.json");
    expect(json.summary.costUsd).toBe(0);
    expect(json.results.map((r) => r.costUsd)).toEqual([0, 0, 0]);
  });
});

describe("on a terminal", () => {
  it("the progress bar says how long the rest of the run will take", async () => {
    // util-linux's `script` gives the CLI a real terminal; CI must be unset, or it prints plain lines.
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", NO_COLOR: "1" };
    delete env.CI;
    const command = `${process.execPath} ${CLI} test --providers echo`;
    const output = await new Promise<string>((resolve) =>
      execFile("script", ["-qec", command, "/dev/null"], { cwd: repo.root, env }, (_error, stdout) =>
        resolve(stdout),
      ),
    );
    // Drawn after the first case (whichever finishes first): two to go, at the pace so far.
    expect(output).toMatch(/ 1\/3 ✓ \d ✗ \d ! 0 \S+ · ETA \S+/);
    expect(output).toContain("2 passed, 1 failed, 0 errors, 3 total");
  });
});

describe("flags people type", () => {
  it("-o names the report's file, and -o - prints it on stdout", async () => {
    expect((await test("--reporter", "json", "-o", "r.json")).code).toBe(1);
    expect(readJson("r.json").summary.total).toBe(3);
    const toStdout = await test("--reporter", "json", "-o", "-");
    expect(JSON.parse(toStdout.stdout).summary.total).toBe(3);
    // The report is the output: nothing else on stdout, and stderr stays quiet for pipes.
    expect(toStdout.stderr).toBe("");
  });

  it("test --json prints the results on stdout beside a JUnit file", async () => {
    const result = await test("--json", "--reporter", "junit", "-o", "junit.xml");
    const results = JSON.parse(result.stdout) as RunResults;
    expect(results.summary).toMatchObject({ total: 3, passed: 2, failed: 1 });
    expect(readFileSync(join(repo.root, "junit.xml"), "utf8")).toContain("<testsuites");
  });

  it("render --json gives the rendered messages with the prompt's id, version and hash", async () => {
    const result = await promptops("render", "greeting", "--var", "name=Ada", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      id: "greeting",
      version: "draft",
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      format: "openai",
      messages: [{ role: "user", content: "Say hello to Ada." }],
    });
  });

  it("test --help lists every reporter, html included", async () => {
    const help = (await promptops("test", "--help")).stdout.replace(/\s+/g, " ");
    for (const name of REPORTER_NAMES) expect(help).toContain(name);
    expect(help).toContain("-o, --output <file>");
    expect(help).toContain("--pass-with-no-tests");
    expect(help).toContain("--no-progress");
  });
});

describe("JUnit that strict consumers accept", () => {
  it("--junit-strict writes a report that Jenkins' and Surefire's schemas accept, with the location kept", async () => {
    const result = await test("--reporter", "junit", "-o", "junit.xml", "--junit-strict");
    expect(result.code).toBe(1);
    const xml = readFileSync(join(repo.root, "junit.xml"), "utf8");
    expect(junitSchemaProblems(xml, "jenkins")).toEqual([]);
    expect(junitSchemaProblems(xml, "surefire")).toEqual([]);
    expect(xml).toContain('<property name="file" value="prompts/greeting.prompt.yaml" />');
    expect(xml).toContain(">prompts/greeting.prompt.yaml:15\n");
  });
});

describe("shards that cannot silently go missing", () => {
  it("each shard's results say which shard they are", async () => {
    await test("--shard", "2/3", "--reporter", "json", "-o", "s2.json");
    expect(readJson("s2.json").shard).toBe("2/3");
  });

  it("report merge names a missing shard, and merges the set with --allow-partial", async () => {
    await test("--shard", "1/3", "--reporter", "json", "-o", "s1.json");
    await test("--shard", "3/3", "--reporter", "json", "-o", "s3.json");
    const refused = await promptops("report", "merge", "s1.json", "s3.json", "--json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("shard 2/3 missing");
    expect(refused.stdout).toBe("");
    const partial = await promptops("report", "merge", "s1.json", "s3.json", "--allow-partial", "--json");
    expect(JSON.parse(partial.stdout).summary.total).toBe(2);
  });

  it("report merge refuses a file that is not a results file, with a hint at the files it takes", async () => {
    await repo.write("not-results.json", "{}\n");
    const refused = await promptops("report", "merge", "not-results.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: .*not-results\.json is not a promptops results file/);
    expect(refused.stderr).toContain(
      "hint: merge the files written by `promptops test --reporter json -o <file>`",
    );
  });

  it("report merge refuses a shard uploaded twice under two names", async () => {
    await test("--shard", "1/2", "--reporter", "json", "-o", "a.json");
    await test("--shard", "1/2", "--reporter", "json", "-o", "b.json");
    await test("--shard", "2/2", "--reporter", "json", "-o", "c.json");
    const refused = await promptops("report", "merge", "a.json", "b.json", "c.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/shard 1\/2 is in 2 files: .*a\.json, .*b\.json/);
    const whole = await promptops(
      "report",
      "merge",
      "a.json",
      "c.json",
      "--reporter",
      "json",
      "-o",
      "all.json",
    );
    expect(whole.code).toBe(1);
    expect(readJson("all.json").summary.total).toBe(3);
    expect(whole.stdout).toContain("2 passed, 1 failed, 0 errors, 3 total · all.json");
  });
});
