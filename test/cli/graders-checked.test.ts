import { afterEach, describe, expect, it } from "vitest";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { openaiEnv } from "../fixtures/runner/runner-project.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// A team adds an llm-judge test but forgets to say which model judges: the run must stop before it
// spends anything, at the assertion's line, rather than report a failed test after the calls.
const KEY = "sk-graders-test-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });

const prompt = (judge: string) =>
  [
    "messages:",
    "  - { role: user, content: Hello. }",
    "tests:",
    "  - name: polite",
    "    assert:",
    "      - contains: Hello",
    `      - llm-judge: ${judge}`,
    "",
  ].join("\n");

describe("graders are checked before anything is sent", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());
  const env = () => openaiEnv(server, KEY);

  it("test refuses an llm-judge with no judge: exit 2 at the assertion, no request sent", async () => {
    project = makeProjectDir({ "promptops.config.yaml": 'providers: ["openai:gpt-4o-mini"]\n' });
    project.write("prompts/greet.prompt.yaml", prompt("Is polite."));

    const result = await runCli(["test", "--no-cache"], { cwd: project.root, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("prompts/greet.prompt.yaml:7:9");
    expect(result.stderr).toContain("llm-judge has no judge to ask");
    expect(result.stderr).toContain("judge:");
    expect(server.stats.total).toBe(0);
  });

  it("validate reports the same problem at the assertion, with exit 1", async () => {
    project = makeProjectDir({ "promptops.config.yaml": 'providers: ["openai:gpt-4o-mini"]\n' });
    project.write("prompts/greet.prompt.yaml", prompt("Is polite."));

    const result = await runCli(["validate"], { cwd: project.root, env: env() });
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain("prompts/greet.prompt.yaml:7:9");
    expect(output).toContain("llm-judge has no judge to ask");
  });

  it("an assertion's own provider is a judge: nothing to refuse", async () => {
    project = makeProjectDir({ "promptops.config.yaml": 'providers: ["openai:gpt-4o-mini"]\n' });
    project.write("prompts/greet.prompt.yaml", prompt('{ rubric: Is polite., provider: "openai:gpt-4o" }'));
    server.reply = (request) =>
      request.body?.model === "gpt-4o"
        ? { text: '{"score": 1, "pass": true, "reasoning": "Polite."}' }
        : { text: "Hello." };

    const validate = await runCli(["validate"], { cwd: project.root, env: env() });
    expect(validate.code).toBe(0);
    const result = await runCli(["test", "--no-cache"], { cwd: project.root, env: env() });
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(server.stats.total).toBe(2);
  });

  it("similar with no embeddings configured runs by the lexical measure, and the run says so", async () => {
    project = makeProjectDir({ "promptops.config.yaml": 'providers: ["openai:gpt-4o-mini"]\n' });
    project.write(
      "prompts/greet.prompt.yaml",
      prompt("Is polite.").replace("llm-judge: Is polite.", "similar: Hello."),
    );
    server.reply = () => ({ text: "Hello." });

    const result = await runCli(["test", "--no-cache"], { cwd: project.root, env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "note: similar: no `embeddings:` in promptops.config.yaml, so 1 test compares by the lexical measure",
    );
    expect(server.stats.total).toBe(1);
  });
});
