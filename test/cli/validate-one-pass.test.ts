import { afterEach, describe, expect, it } from "vitest";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { openaiEnv } from "../fixtures/runner/runner-project.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// `promptops validate` is the check a team runs on every pull request: one run lists every
// problem, so that fixing one never uncovers the next. The built CLI, in a git repository.
const KEY = "sk-validate-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: openaiEnv(server, KEY) });

/** A refund prompt written in a hurry: one of each mistake validate used to find late or never. */
const hastyPrompt = `model: { provider: opnai, name: gpt-4o, params: { temprature: 0.2, max_tokens: 300 } }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
tests:
  - name: mentions the refund window
    vars: { question: 42 }
    assert:
      - llm-judge: { rubrik: "Mentions the 30-day refund window" }
      - regex: "(30|thirty"
      - javascript: "output.length <"
      - javascript: ./checks/tone.mjs
  - name: answers at all
    vars: { question: "Refund?" }
    assert: []
`;

async function hastyProject(): Promise<TempRepo> {
  repo = await makeTempRepo();
  await repo.write(
    "promptops.config.yaml",
    "providers: [openai:gpt-4o-mini]\njudge: openai:gpt-4o\ntest: { allowJavascript: true }\n",
  );
  await repo.write("prompts/refund.prompt.yaml", hastyPrompt);
  await repo.commit("refund prompt");
  return repo;
}

describe("promptops validate finds everything in one pass", () => {
  it("schema, test, regex, javascript, provider and param problems of one file, together", async () => {
    await hastyProject();
    const result = await promptops("validate");
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n").filter((line) => line.startsWith("prompts/"));
    expect(lines).toEqual([
      'prompts/refund.prompt.yaml:1:20: error: unknown provider "opnai" in model (did you mean "openai"?)',
      'prompts/refund.prompt.yaml:1:51: error: unknown param "temprature" in model.params (did you mean "temperature"?)',
      'prompts/refund.prompt.yaml:9:23: error: test "mentions the refund window": variable question must be string (found 42)',
      'prompts/refund.prompt.yaml:11:22: error: unknown key "rubrik" in tests.0.assert.0.llm-judge (did you mean "rubric"?)',
      "prompts/refund.prompt.yaml:12:16: error: regex: invalid regular expression /(30|thirty/: Unterminated group",
      "prompts/refund.prompt.yaml:13:37: error: javascript: does not parse: unexpected end of the code",
      "prompts/refund.prompt.yaml:14:21: error: javascript: module ./checks/tone.mjs not found",
      'prompts/refund.prompt.yaml:17:13: warning: test "answers at all" asserts nothing',
    ]);
    expect(result.stdout).toContain("1 prompt checked: 7 errors, 1 warning");
    expect(server.stats.total).toBe(0);
  });

  it("a misspelt provider kind in the config is a validate error, and test stops on it before sending", async () => {
    await hastyProject();
    await repo.write("promptops.config.yaml", "providers: [opnai:gpt-4o-mini]\n");
    await repo.write(
      "prompts/refund.prompt.yaml",
      `model: { provider: openai, name: gpt-4o }
messages:
  - role: user
    content: Can I get a refund?
tests:
  - name: mentions refunds
    assert:
      - icontains: refund
`,
    );
    const validate = await promptops("validate");
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      'promptops.config.yaml:1:13: error: unknown provider kind "opnai" in "opnai:gpt-4o-mini" (did you mean "openai"?)',
    );
    const test = await promptops("test");
    expect(test.code).toBe(2);
    expect(test.stderr).toContain(
      'unknown provider kind "opnai" in "opnai:gpt-4o-mini" (did you mean "openai"?)',
    );
    expect(server.stats.total).toBe(0);
  });
});
