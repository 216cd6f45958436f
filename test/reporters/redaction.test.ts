import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReporters } from "../../src/reporters/create-reporters.js";
import { formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { formatJsonReport } from "../../src/reporters/json-reporter.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import { REDACTED, redactSecrets } from "../../src/reporters/redact.js";
import {
  ANTHROPIC_KEY,
  failed,
  fakeStream,
  OPENAI_KEY,
  runResults,
  type TempDir,
  tempDir,
} from "./fixtures.js";

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

const looksLikeKey = /sk-[A-Za-z0-9_-]{16,}/;

describe("reports never carry anything that looks like an API key", () => {
  // The fixtures hold an Anthropic key in an error after a newline and an OpenAI key in a reply.
  const withKeyInMessage = {
    ...failed,
    assertions: [{ type: "equals", pass: false, score: 0, message: `expected "ok", found "${OPENAI_KEY}"` }],
  };
  const results = runResults([...runResults().results, withKeyInMessage]);

  it.each([
    ["json", formatJsonReport(results)],
    ["junit", formatJunitReport(results)],
    ["markdown", formatMarkdownSummary(results)],
    ["github", formatGithubAnnotations(results.results, { projectRoot: "/r", from: "/r" }).join("\n")],
  ])("%s", (_name, text) => {
    expect(text).not.toMatch(looksLikeKey);
    expect(text).toContain("redacted");
  });

  it("pretty, and every file and stream the reporters write", async () => {
    dir = tempDir();
    const stdout = fakeStream(false);
    const summaryFile = join(dir.path, "summary.md");
    const reporters = createReporters(["pretty", "github", "junit", "json", "markdown"], {
      stdout: stdout.stream,
      env: { GITHUB_STEP_SUMMARY: summaryFile },
      outputDir: "out",
      projectRoot: dir.path,
      cwd: dir.path,
    });
    for (const c of results.results) {
      reporters[0]!.onCaseFinished?.(c, { done: 1, total: 1, passed: 0, failed: 0, errors: 0 });
    }
    for (const r of reporters) await r.finish(results);
    const files = ["summary.md", "out/results.json", "out/junit.xml", "out/report.md"];
    for (const text of [stdout.text(), ...files.map((f) => readFileSync(join(dir!.path, f), "utf8"))]) {
      expect(text).not.toMatch(looksLikeKey);
    }
    expect(stdout.text()).toContain(REDACTED);
  });

  it("leaves ordinary words with sk- alone", () => {
    expect(redactSecrets("risk-assessment-for-customers and task-management-dashboard")).toBe(
      "risk-assessment-for-customers and task-management-dashboard",
    );
    expect(redactSecrets(`Bearer ${ANTHROPIC_KEY}.`)).toBe(`Bearer ${REDACTED}.`);
  });
});
