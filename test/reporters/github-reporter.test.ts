import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGithubReporter, formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { errored, failed, fakeStream, passed, runResults, type TempDir, tempDir } from "./fixtures.js";

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

describe("the github reporter", () => {
  it("annotates each failed or errored case at its test's line, escaped as workflow commands", () => {
    const lines = formatGithubAnnotations(runResults().results, { projectRoot: "/repo", from: "/repo" });
    expect(lines).toEqual([
      "::error file=prompts/support-agent.prompt.yaml,line=20," +
        'title=promptops test failed%3A support-agent › answers "short"%2C politely [openai%3Agpt-4o-mini]' +
        "::max-length: expected at most 200 characters, found 563%0A" +
        'not-contains: expected no "Dear", found "Dear" at 0',
      "::error file=prompts/support-agent.prompt.yaml,line=12," +
        "title=promptops test error%3A support-agent › mentions refund window [anthropic%3Aclaude-3-5-haiku]" +
        "::529 overloaded_error (3 attempts)%0Ax-api-key: sk-…[redacted]",
    ]);
  });

  it("gives the cases a cancelled run never finished one warning, not an error each", () => {
    const stopped = { ...errored, error: "cancelled before it finished" };
    const lines = formatGithubAnnotations([failed, stopped, { ...stopped, test: "another" }], {
      projectRoot: "/repo",
      from: "/repo",
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=prompts\/support-agent\.prompt\.yaml,line=20,/);
    expect(lines[1]).toBe("::warning title=promptops test stopped::2 cases cancelled");
  });

  it("makes file paths relative to the repository root when the project is in a sub-folder", () => {
    const [line] = formatGithubAnnotations([failed], { projectRoot: "/repo/apps/bot", from: "/repo" });
    expect(line).toContain("file=apps/bot/prompts/support-agent.prompt.yaml,line=20,");
  });

  it("escapes % and line breaks in messages so one case stays one annotation", () => {
    const odd = {
      ...failed,
      assertions: [{ type: "regex", pass: false, score: 0, message: "100%\r\nsure" }],
    };
    const [line] = formatGithubAnnotations([odd], { projectRoot: "/r", from: "/r" });
    expect(line).toMatch(/::regex: 100%25%0Asure$/);
    expect(line).not.toContain("\n");
  });

  it("leaves out passing cases and cases without a location", () => {
    const { location: _none, ...nowhere } = failed;
    expect(formatGithubAnnotations([passed, nowhere], { projectRoot: "/r", from: "/r" })).toEqual([]);
  });

  it("appends a Markdown summary to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote", async () => {
    dir = tempDir();
    const summaryFile = join(dir.path, "step_summary.md");
    writeFileSync(summaryFile, "# Lint\nall good");
    const out = fakeStream(false);
    const env = { GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: dir.path };
    const reporter = createGithubReporter({
      stream: out.stream,
      streamName: "stdout",
      env,
      projectRoot: join(dir.path, "app"),
      cwd: dir.path,
    });
    const written = await reporter.finish(runResults());

    expect(written).toEqual({
      reporter: "github",
      written: [{ kind: "stdout" }, { kind: "file", path: summaryFile, mode: "append" }],
    });
    expect(out.text().trim().split("\n")).toHaveLength(2);
    expect(out.text()).toContain("::error file=app/prompts/support-agent.prompt.yaml,line=20,");

    const summary = readFileSync(summaryFile, "utf8");
    expect(
      summary.startsWith("# Lint\nall good\n## ❌ promptops test: 2 passed, 1 failed, 1 error, 4 total"),
    ).toBe(true);
    expect(summary).toContain("| support-agent | openai:gpt-4o-mini | 1/2 | 1 | 0 |");
    expect(summary).toContain("`app/prompts/support-agent.prompt.yaml:20`");
  });

  it("writes nothing when every case passed and there is no step summary", async () => {
    const out = fakeStream(false);
    const reporter = createGithubReporter({
      stream: out.stream,
      streamName: "stdout",
      env: {},
      projectRoot: "/r",
      cwd: "/r",
    });
    expect((await reporter.finish(runResults([passed]))).written).toEqual([]);
    expect(out.text()).toBe("");
  });
});
