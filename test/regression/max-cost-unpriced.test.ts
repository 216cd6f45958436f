import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { copyJudgeProject } from "../fixtures/judge/judge-project.js";
import { openaiEnv, userText } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first): --max-cost is a promise that the run spends at most that
// much, so a model whose price is unknown (its spend would count as nothing) must not slip by.
const KEY = "sk-cli-test-0123456789abcdef";

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir | undefined;
afterEach(() => project?.cleanup());

beforeEach(() => {
  server.reply = (request) =>
    request.body?.model === "my-finetuned-judge"
      ? '{"score": 0.9, "pass": true, "reasoning": "Fine."}'
      : userText(request);
});

const acme = () =>
  `{ id: acme, kind: openai-compatible, model: acme-1, baseURL: "${server.openaiBaseURL}", apiKeyEnv: ACME_LLM_KEY }`;

async function maxCostRun(config: string, ...prompts: string[]) {
  project = copyJudgeProject(config);
  return runCli(["test", ...prompts, "--max-cost", "5", "--no-cache"], {
    cwd: project.root,
    env: { ...openaiEnv(server, KEY), ACME_LLM_KEY: KEY, CI: "1" },
  });
}

describe("--max-cost refuses to start when it cannot bound the run", () => {
  it("names tested exec and openai-compatible models without a price, and sends nothing", async () => {
    const exec = '{ id: local, kind: exec, command: "./local-llm.sh --json" }';
    const result = await maxCostRun(
      `providers:\n  - openai:gpt-4o-mini\n  - ${acme()}\n  - ${exec}`,
      "echoes",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--max-cost cannot bound this run: no price is known for exec:./local-llm.sh --json, openai-compatible:acme-1",
    );
    expect(result.stderr).toContain('pricing: { "exec:./local-llm.sh --json": {');
    expect(server.stats.total).toBe(0);
  });

  it("names a judge and an embeddings model without a price, all at once", async () => {
    const result = await maxCostRun('judge: "openai:my-finetuned-judge"\nembeddings: "openai:my-embedder"');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no price is known for openai:my-embedder, openai:my-finetuned-judge");
    expect(server.stats.total).toBe(0);
  });

  it("runs once config `pricing:` prices them, and counts their spend", async () => {
    const result = await maxCostRun(
      `providers:\n  - ${acme()}\njudge: "openai:my-finetuned-judge"
pricing:
  "openai-compatible:acme-1": { input: 1, output: 2 }
  "openai:my-finetuned-judge": { input: 3, output: 6 }`,
      "support",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Each test on the prompt's own openai:gpt-4o-mini and on acme, each graded by the judge.
    expect(result.stdout).toContain("support ran on openai:gpt-4o-mini, acme\n");
    expect(result.stdout).toContain("4 passed, 0 failed, 0 errors, 4 total");
    expect(server.stats.total).toBe(8);
  });
});
