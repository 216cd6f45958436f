import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { echoLastUserMessage, FakeProviderServer } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import {
  asking,
  copyRunnerProject,
  filesUnder,
  manyTestsPrompt,
  openaiEnv,
} from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { CLI, runCli } from "../helpers/run-cli.js";
import { parseXml, type XmlElement } from "../reporters/parse-xml.js";

// The built CLI (`npm run build` first) against the fake OpenAI server, as a user or CI runs it.
const KEY = "sk-cli-test-0123456789abcdef";
const validateResults = schemaValidator("results");

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;

beforeEach(() => {
  project = copyRunnerProject();
});
afterEach(() => project.cleanup());

const promptops = (...args: string[]) =>
  runCli(["test", ...args], { cwd: project.root, env: openaiEnv(server, KEY) });
const readJson = (path: string): RunResults => JSON.parse(readFileSync(join(project.root, path), "utf8"));
const caseIds = (results: RunResults) =>
  results.results.map((r) => `${r.prompt} › ${r.test} › ${r.provider}`);
const descendants = (element: XmlElement, name: string): XmlElement[] =>
  element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...descendants(child, name)]);

describe("promptops test: exit codes", () => {
  it("exits 0 when every case passes", async () => {
    const result = await promptops();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("6 passed, 0 failed, 0 errors, 6 total");
    expect(server.stats.total).toBe(6);
  });

  it("exits 1 when a case fails", async () => {
    server.reply = (request) =>
      asking("order 4711")(request) ? "I cannot say." : echoLastUserMessage(request);
    const result = await promptops();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("1 failed");
  });

  it("exits 1 when a case errors, after running the others", async () => {
    server.faultWhen(asking("order 4711"), { status: 400, message: "Invalid 'messages': too long." });
    const result = await promptops();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("5 passed, 0 failed, 1 error, 6 total");
    expect(result.stdout).toContain("Invalid 'messages': too long.");
  });

  it("refuses an unknown reporter with exit 2 before sending any request", async () => {
    const result = await promptops("--reporter", "jsno");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown reporter "jsno"');
    expect(result.stderr).toContain("pretty, json, junit, github, markdown");
    expect(server.stats.total).toBe(0);
  });
});

describe("promptops test: reports", () => {
  it("--reporter json --output r.json writes the stable shape, and the run is recorded", async () => {
    const result = await promptops("--reporter", "json", "--output", "r.json");
    expect(result.code).toBe(0);
    // The console still says how the run went, and where the report is.
    expect(result.stdout).toBe("6 passed, 0 failed, 0 errors, 6 total · r.json\n");
    const report = readJson("r.json");
    expect(validateResults(report), JSON.stringify(validateResults.errors)).toBe(true);
    expect(report.summary).toMatchObject({ total: 6, passed: 6, failed: 0, errors: 0 });
    expect(report.results[0]).toMatchObject({
      prompt: "greeting",
      version: "draft",
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      provider: "openai:gpt-4o-mini",
      test: "greets Ada by name",
      status: "pass",
      output: "Say hello to Ada.",
      cached: false,
      costUsd: expect.any(Number),
      assertions: [{ type: "contains", pass: true, score: 1, message: expect.any(String) }],
    });

    const records = filesUnder(join(project.root, ".promptops", "runs"));
    expect(records).toHaveLength(1);
    expect(records[0]!.path).toMatch(/\.json$/);
    expect(JSON.parse(records[0]!.text).results).toEqual(report.results);
  });

  it("--reporter junit --reporter json --output-dir reports writes both files", async () => {
    const result = await promptops("--reporter", "junit", "--reporter", "json", "--output-dir", "reports");
    expect(result.code).toBe(0);
    expect(readJson("reports/results.json").results).toHaveLength(6);
    const junit = parseXml(readFileSync(join(project.root, "reports/junit.xml"), "utf8"));
    expect(descendants(junit, "testcase")).toHaveLength(6);
  });
});

describe("promptops test: choosing cases", () => {
  it("--shard 1/2 and --shard 2/2 together run every case exactly once", async () => {
    const first = await promptops("--shard", "1/2", "--reporter", "json");
    const second = await promptops("--shard", "2/2", "--reporter", "json");
    expect([first.code, second.code]).toEqual([0, 0]);
    const one = caseIds(JSON.parse(first.stdout));
    const two = caseIds(JSON.parse(second.stdout));
    expect(one).toHaveLength(3);
    expect(two).toHaveLength(3);
    expect(one.filter((id) => two.includes(id))).toEqual([]);
    const all = caseIds(JSON.parse((await promptops("--reporter", "json", "--no-cache")).stdout));
    expect([...one, ...two].sort()).toEqual([...all].sort());
    expect(server.stats.total).toBe(12);
  });

  it("--filter runs only the tests whose name contains the text, whatever its case", async () => {
    const result = await promptops("--filter", "BY NAME", "--reporter", "json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results.map((r: { test: string }) => r.test)).toEqual([
      "greets Ada by name",
      "greets Grace by name",
    ]);
    expect(server.stats.total).toBe(2);
  });
});

describe("promptops test: Ctrl-C", () => {
  it("stops within seconds, still writes the report with every case, says how many were cancelled in one line, and exits 130", async () => {
    project.write("prompts/many.prompt.yaml", manyTestsPrompt(10));
    server.latencyMs = 2_000;
    const child = spawn(
      process.execPath,
      [CLI, "test", "many", "--concurrency", "2", "--no-cache", "--reporter", "json", "--output", "r.json"],
      { cwd: project.root, env: { ...process.env, ...openaiEnv(server, KEY) }, stdio: "pipe" },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    // The first two replies came back and the next two are in flight, for two more seconds.
    await server.whenRequests(4);
    await server.whenActive(2);
    const interrupted = performance.now();
    child.kill("SIGINT");
    const code = await exited;
    // Running the 8 cases left would take 4 more rounds of 2 s; a loaded machine needs a few
    // seconds to start, stop and write the report.
    expect(performance.now() - interrupted).toBeLessThan(6_000);
    // 128 + SIGINT, as shells and CI runners expect of a process Ctrl-C stopped.
    expect(code).toBe(130);
    expect(stderr).toContain("stopping");
    // One line for the cancelled cases, not one error each.
    expect(stdout).toContain("8 cases cancelled");
    expect(stdout).not.toContain("cancelled before it finished");
    expect(stdout).toContain("2 passed, 0 failed, 8 errors, 10 total · r.json");

    const report = readJson("r.json");
    expect(report.results).toHaveLength(10);
    const passed = report.results.filter((r) => r.status === "pass");
    const cancelled = report.results.filter((r) => r.status === "error" && /cancelled/.test(r.error ?? ""));
    expect(passed.map((r) => r.test)).toEqual(["question 1", "question 2"]);
    expect(cancelled).toHaveLength(8);
    expect(report.summary).toMatchObject({ total: 10, passed: passed.length, errors: cancelled.length });
    expect(server.stats.total).toBe(4);
    expect(filesUnder(join(project.root, ".promptops", "runs"))).toHaveLength(1);
    await server.whenIdle();
  });
});

/** What a CI job asks for: the console summary, and reports/results.json to keep. */
const consoleAndJsonReport = ["--reporter", "pretty", "--reporter", "json", "--output-dir", "reports"];

describe("promptops test: a rate-limited provider", () => {
  it("loses no case, and the summary says how often it was rate-limited and how long it waited", async () => {
    project.write("prompts/many.prompt.yaml", manyTestsPrompt(20));
    server.rateLimit({ perSecond: 40, burst: 4, header: "retry-after-ms" });
    const result = await promptops("many", "--no-cache", "--retries", "0", ...consoleAndJsonReport);
    expect(result.code).toBe(0);
    const report = readJson("reports/results.json");
    expect(validateResults(report)).toBe(true);
    expect(report.summary).toMatchObject({ total: 20, passed: 20, errors: 0 });
    const { responses, waitedMs } = report.summary.rateLimited!;
    expect(responses).toBe(server.stats.rateLimited);
    expect(responses).toBeGreaterThan(0);
    expect(result.stdout).toMatch(new RegExp(`rate-limited: ${responses} × 429, waited \\d`));
    expect(waitedMs).toBeGreaterThan(0);
  });
});

describe("promptops test: --max-duration", () => {
  it("ends a run whose provider never answers at the deadline, writes every report and exits 1", async () => {
    project.write("prompts/many.prompt.yaml", manyTestsPrompt(10));
    server.faultWhen(() => true, { hang: true });
    const started = performance.now();
    const result = await promptops(
      "many",
      "--no-cache",
      "--concurrency",
      "2",
      "--timeout",
      "60000",
      "--max-duration",
      "1.5s",
      ...consoleAndJsonReport,
    );
    expect(performance.now() - started).toBeLessThan(1_500 + 8_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--max-duration (1500 ms) reached: 10 case(s) not finished");
    const report = readJson("reports/results.json");
    expect(validateResults(report)).toBe(true);
    expect(report.summary).toMatchObject({ total: 10, errors: 10 });
    expect(new Set(report.results.map((r) => r.error))).toEqual(new Set(["not run: --max-duration reached"]));
    // Two were in flight at the deadline and were ended; nothing more was sent.
    expect(server.stats.total).toBe(2);
    await server.whenIdle();
  });

  it("refuses a duration it cannot read, with exit 2 and the forms it takes", async () => {
    const result = await promptops("--max-duration", "ten minutes");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-duration expects a duration, got "ten minutes"');
    expect(result.stderr).toContain("10m");
    expect(server.stats.total).toBe(0);
  });
});

describe("promptops test: secrets", () => {
  // Not shaped like an OpenAI key, so only knowing the key in use can keep it out of files.
  const SECRET = "azure-3f9c2a7be41d4c0f9a8e6b5d2c1f0e9a";

  function expectNoSecretAnywhere(output: { stdout: string; stderr: string }) {
    const written = [
      ...filesUnder(join(project.root, "reports")),
      ...filesUnder(join(project.root, ".promptops", "cache")),
      ...filesUnder(join(project.root, ".promptops", "runs")),
    ];
    for (const file of written) expect(file.text, file.path).not.toContain(SECRET);
    expect(output.stdout).not.toContain(SECRET);
    expect(output.stderr).not.toContain(SECRET);
    return written;
  }

  const allReports = [
    "--reporter",
    "json",
    "--reporter",
    "junit",
    "--reporter",
    "markdown",
    "--output-dir",
    "reports",
  ];

  it("no report, cache entry or run record holds the API key, even when the provider's errors quote it", async () => {
    const quoting = await FakeProviderServer.start({ apiKey: SECRET });
    try {
      quoting.faultWhen(asking("order 4711"), {
        status: 401,
        message: `Incorrect API key provided: ${SECRET}.`,
      });
      quoting.faultWhen(asking("Refund please"), {
        status: 400,
        message: `upstream refused the request (Authorization: Bearer ${SECRET})`,
      });
      const output = await runCli(["test", ...allReports], {
        cwd: project.root,
        env: openaiEnv(quoting, SECRET),
      });
      expect(output.code).toBe(1);
      const report = readJson("reports/results.json");
      expect(report.summary).toMatchObject({ passed: 4, errors: 2 });
      expect(report.results.find((r) => r.test === "keeps the order number")?.error).toContain("HTTP 401");
      const written = expectNoSecretAnywhere(output);
      // Not vacuous: three reports, four cached replies and the run record were written.
      expect(written.map((f) => f.path.slice(project.root.length + 1).split("/")[0])).toEqual(
        expect.arrayContaining(["reports", ".promptops"]),
      );
      expect(filesUnder(join(project.root, "reports"))).toHaveLength(3);
      expect(filesUnder(join(project.root, ".promptops", "cache"))).toHaveLength(4);
    } finally {
      await quoting.close();
    }
  });

  it("a proxy that echoes a rejected key in every 401 leaves no trace of it either", async () => {
    const echoing = await FakeProviderServer.start({ apiKey: "the-right-key", echoKeyInErrors: true });
    try {
      const output = await runCli(["test", ...allReports], {
        cwd: project.root,
        env: openaiEnv(echoing, SECRET),
      });
      expect(output.code).toBe(1);
      expect(echoing.stats.total).toBe(6);
      const report = readJson("reports/results.json");
      expect(report.summary).toMatchObject({ errors: 6 });
      expect(report.results[0]!.error).toContain("Incorrect API key provided");
      expectNoSecretAnywhere(output);
      expect(existsSync(join(project.root, "reports", "junit.xml"))).toBe(true);
    } finally {
      await echoing.close();
    }
  });
});
