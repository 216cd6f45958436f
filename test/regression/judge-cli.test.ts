import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { copyJudgeProject, isJudgeRequest } from "../fixtures/judge/judge-project.js";
import { openaiEnv, userText } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first): the shipped judge prompt is found from dist/, and the
// judge's spend reaches the pretty summary and the JSON results.
const KEY = "sk-cli-test-0123456789abcdef";
const validateResults = schemaValidator("results");

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;

beforeEach(() => {
  server.reply = (request) =>
    isJudgeRequest(request)
      ? { text: '{"score": 0.9, "pass": true, "reasoning": "Fine."}', usage: { input: 500, output: 50 } }
      : { text: userText(request), usage: { input: 1000, output: 200 } };
  project = copyJudgeProject('judge: "openai:gpt-4o"');
});
afterEach(() => project.cleanup());

describe("promptops test with llm-judge, from the built CLI", () => {
  it("shows the judge's spend apart in pretty, and as `judge` fields in the JSON results", async () => {
    const result = await runCli(
      ["test", "support", "--reporter", "pretty", "--reporter", "json", "--output", "results.json"],
      { cwd: project.root, env: { ...openaiEnv(server, KEY), CI: "1" } },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 passed, 0 failed, 0 errors, 2 total");
    expect(result.stdout).toContain("2,000 in / 400 out tokens · $0.0005");
    expect(result.stdout).toContain("judge: 2 calls · 1,000 in / 100 out tokens · $0.0035");

    const written = JSON.parse(readFileSync(join(project.root, "results.json"), "utf8")) as RunResults;
    expect(validateResults(written), JSON.stringify(validateResults.errors)).toBe(true);
    expect(written.summary.judge).toEqual({
      calls: 2,
      tokens: { input: 1000, output: 100 },
      costUsd: 0.0035,
    });
    expect(written.results.map((r) => r.judge?.calls)).toEqual([1, 1]);
    expect(written.results[0]!.assertions[0]).toMatchObject({ type: "llm-judge", pass: true, score: 0.9 });
  });

  it("exits 2 naming the judge's missing key, having sent nothing", async () => {
    project.write(
      "promptops.config.yaml",
      'providers: [openai:gpt-4o-mini]\njudge: "anthropic:claude-haiku-4-5"\n',
    );
    const result = await runCli(["test", "support"], { cwd: project.root, env: openaiEnv(server, KEY) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "ANTHROPIC_API_KEY is not set: the provider anthropic:claude-haiku-4-5 needs it",
    );
    expect(server.stats.total).toBe(0);
  });
});
