import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { echoLastUserMessage } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { asking, copyRunnerProject, openaiEnv } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first) against replies no client should read whole: a gzip bomb,
// an endless body, and a big reply that is still within the limit.
const KEY = "sk-reply-limit-0123456789abcdef";
const MAX_RSS_PRELOAD = fileURLToPath(new URL("../helpers/report-max-rss.cjs", import.meta.url));
const MiB = 1024 * 1024;
// A CLI run of a few cases peaks near 100 MiB; reading one of the faulty replies whole takes GiBs.
const MEMORY_BOUND_KIB = 300 * 1024;

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;

const repliesPrompt = `messages:
  - role: user
    content: "{{ question }}"
variables:
  question: { type: string }
tests:
  - name: a gzip bomb
    vars: { question: "send the gzip bomb" }
    assert: [{ contains: "bomb" }]
  - name: an endless body
    vars: { question: "send the endless body" }
    assert: [{ contains: "endless" }]
  - name: a big reply
    vars: { question: "send the big reply" }
    assert: [{ contains: "big reply" }]
`;
const BIG_REPLY_BYTES = 3 * MiB;

beforeEach(() => {
  project = copyRunnerProject({ "prompts/replies.prompt.yaml": repliesPrompt });
  server.faultWhen(asking("gzip bomb"), { gzipBomb: { inflatedBytes: 600 * MiB } });
  server.faultWhen(asking("endless body"), { hugeBody: { bytes: 2048 * MiB } });
  server.reply = (request) =>
    asking("big reply")(request)
      ? `send the big reply ${"x".repeat(BIG_REPLY_BYTES)}`
      : echoLastUserMessage(request);
});
afterEach(() => project.cleanup());

async function runMeasured(...args: string[]) {
  const maxRssFile = join(project.root, "max-rss.txt");
  const result = await runCli(["test", "--reporter", "json", "--output", "r.json", ...args], {
    cwd: project.root,
    env: {
      ...openaiEnv(server, KEY),
      NODE_OPTIONS: `--require ${MAX_RSS_PRELOAD}`,
      PROMPTOPS_TEST_MAX_RSS_FILE: maxRssFile,
    },
  });
  const report: RunResults = JSON.parse(readFileSync(join(project.root, "r.json"), "utf8"));
  const maxRssKiB = Number(readFileSync(maxRssFile, "utf8"));
  return { result, report, maxRssKiB };
}

const byTest = (report: RunResults, name: string) => report.results.find((r) => r.test === name)!;

describe("promptops test reads at most test.maxReplyBytes of a reply", () => {
  it("a gzip bomb and an endless body are errors; the run goes on, reports, and stays small", async () => {
    const { result, report, maxRssKiB } = await runMeasured("--retries", "2");
    expect(result.code).toBe(1);
    expect(report.summary).toMatchObject({ total: 9, passed: 7, failed: 0, errors: 2 });
    for (const name of ["a gzip bomb", "an endless body"]) {
      const failed = byTest(report, name);
      expect(failed.status).toBe("error");
      expect(failed.error).toContain("the reply is larger than 4 MiB, the limit");
      expect(failed.error).toContain("raise test.maxReplyBytes in promptops.config.yaml");
    }
    // Not retried as if transient: the same request would be as large again.
    expect(server.requests.filter(asking("gzip bomb"))).toHaveLength(1);
    expect(server.requests.filter(asking("endless body"))).toHaveLength(1);
    const big = byTest(report, "a big reply");
    expect(big.status).toBe("pass");
    expect(big.output?.length).toBeGreaterThan(BIG_REPLY_BYTES);
    expect(maxRssKiB).toBeGreaterThan(0);
    expect(maxRssKiB).toBeLessThan(MEMORY_BOUND_KIB);
  });

  it("test.maxReplyBytes in the config lowers the limit", async () => {
    project.write(
      "promptops.config.yaml",
      "promptsDir: prompts\nproviders: [openai:gpt-4o-mini]\ntest: { retries: 0, maxReplyBytes: 1048576 }\n",
    );
    const { report } = await runMeasured("replies", "--filter", "big reply");
    expect(report.summary).toMatchObject({ total: 1, errors: 1 });
    expect(byTest(report, "a big reply").error).toMatch(/the reply is 3(\.0)? MiB, over the 1 MiB limit/);
  });
});
