import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { echoLastUserMessage } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { asking, copyRunnerProject, openaiEnv } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first): a team writes the assertions it knows from other tools,
// regex flags, the not- and ignoring-case variants, and a refusal check, and runs them for real.
const KEY = "sk-assertion-variants-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;

const supportPrompt = `messages:
  - role: user
    content: "{{ question }}"
variables:
  question: { type: string }
tests:
  - name: a totals line on its own line, in any case
    vars: { question: "Items: 3\\nTOTAL: 42\\nThanks" }
    assert:
      - regex: { pattern: "^total: \\\\d+$", flags: im }
      - not-icontains-any: ["lorem", "as an ai"]
      - icontains-all: ["items", "thanks"]
      - not-equals: ""
  - name: an empty reply is a refusal
    vars: { question: "say nothing" }
    assert:
      - not-refusal: true
  - name: a curt refusal
    vars: { question: "refuse curtly" }
    assert:
      - is-refusal: true
`;

beforeEach(() => {
  project = copyRunnerProject({ "prompts/support.prompt.yaml": supportPrompt });
  server.reply = (request) =>
    asking("say nothing")(request)
      ? ""
      : asking("refuse curtly")(request)
        ? "Sorry, no."
        : echoLastUserMessage(request);
});
afterEach(() => project.cleanup());

describe("assertions a team reaches for", () => {
  it("regex flags, the not- and ignoring-case variants and refusals run as written", async () => {
    const result = await runCli(["test", "--reporter", "json", "--output", "r.json"], {
      cwd: project.root,
      env: openaiEnv(server, KEY),
    });
    const report: RunResults = JSON.parse(readFileSync(join(project.root, "r.json"), "utf8"));
    const byTest = (name: string) => report.results.find((r) => r.test === name)!;
    expect(byTest("a totals line on its own line, in any case").status).toBe("pass");
    expect(byTest("a curt refusal").status).toBe("pass");
    const empty = byTest("an empty reply is a refusal");
    expect(empty.status).toBe("fail");
    expect(JSON.stringify(empty)).toContain("the reply is empty, which counts as a refusal");
    expect(result.code).toBe(1);
  });

  it("validate refuses a /pattern/flags string and names what to write", async () => {
    project.write(
      "prompts/support.prompt.yaml",
      supportPrompt.replace('{ pattern: "^total: \\\\d+$", flags: im }', '"/^total: \\\\d+$/im"'),
    );
    const result = await runCli(["validate"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toContain(
      'prompts/support.prompt.yaml:10:16: error: regex: "/^total: \\\\d+$/im" is written like a JavaScript /pattern/flags literal',
    );
    expect(result.stderr + result.stdout).toContain('write { pattern: "^total: \\\\d+$", flags: im }');
  });
});
