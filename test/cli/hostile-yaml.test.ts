import { afterEach, describe, expect, it } from "vitest";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

let project: ProjectDir;
afterEach(() => project?.cleanup());

// "Billion laughs": each line multiplies the one before by nine.
const aliasBomb = `a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
`;

const goodPrompt = `variables:
  name: { type: string }
messages:
  - role: user
    content: "Hi {{ name }}"
tests:
  - name: greets
    vars: { name: Ann }
    assert: [{ contains: Ann }]
`;

function expectOneLocatedLine(stderr: string, location: string): void {
  expect(stderr).not.toContain("internal error");
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toContain(location);
  expect(stderr).toContain("YAML aliases expand to too many copies");
}

describe("a YAML alias bomb", () => {
  it("in a prompt file is a located error of validate and test, exit 1", async () => {
    project = makeProjectDir({ "prompts/bomb.prompt.yaml": `${aliasBomb}${goodPrompt}description: *e\n` });
    const validate = await runCli(["validate"], { cwd: project.root });
    expect(validate.code).toBe(1);
    expectOneLocatedLine(validate.stderr + validate.stdout, "prompts/bomb.prompt.yaml:3:8");
    const test = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(test.code).toBe(1);
    expectOneLocatedLine(test.stderr, "prompts/bomb.prompt.yaml:3:8");
  });

  it("in the config is a located error", async () => {
    project = makeProjectDir({
      "promptops.config.yaml": `${aliasBomb}providers: *e\n`,
      "prompts/hi.prompt.yaml": goodPrompt,
    });
    const validate = await runCli(["validate"], { cwd: project.root });
    expect(validate.code).toBe(1);
    expectOneLocatedLine(validate.stderr + validate.stdout, "promptops.config.yaml:3:8");
    const test = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(test.code).toBe(2);
    expectOneLocatedLine(test.stderr, "promptops.config.yaml:3:8");
  });

  it("in a --vars file is a located error of render, exit 1", async () => {
    project = makeProjectDir({ "prompts/hi.prompt.yaml": goodPrompt, "vars.yaml": `${aliasBomb}name: *e\n` });
    const render = await runCli(["render", "hi", "--vars", "vars.yaml"], { cwd: project.root });
    expect(render.code).toBe(1);
    expectOneLocatedLine(render.stderr, "vars.yaml:3:8");
  });
});

describe("YAML nested thousands of levels deep", () => {
  it("is one located error of validate, never an internal error, and the other prompts are still checked", async () => {
    const levels = Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 2)}a:\n`).join("");
    project = makeProjectDir({
      "prompts/deep.prompt.yaml": `model: { provider: openai, name: gpt-4o-mini }\nvariables:\n  q:\n${levels}messages:\n  - { role: user, content: hi }\n`,
      "prompts/hi.prompt.yaml": goodPrompt,
    });
    const validate = await runCli(["validate"], { cwd: project.root });
    const output = validate.stderr + validate.stdout;
    expect(validate.code).toBe(1);
    expect(output).not.toContain("internal error");
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).toContain("prompts/deep.prompt.yaml:1:1");
    expect(output).toContain("the YAML nests too deeply to read");
    expect(output).toContain("2 prompts checked");
  });
});
