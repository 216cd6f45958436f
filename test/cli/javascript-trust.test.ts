import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// A pull request that looks like a change of tests adds a javascript assertion: in CI, where the
// API keys are, it would run as code. Only the config, reviewed as code, can allow that.
const prompt = (marker: string) =>
  [
    "variables: { name: { type: string } }",
    "messages:",
    '  - { role: user, content: "Say hello to {{ name }}" }',
    "tests:",
    "  - name: greets by name",
    "    vars: { name: Ann }",
    "    assert:",
    `      - javascript: 'process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(marker)}, "x") || true'`,
    "",
  ].join("\n");

describe("javascript assertions run only when the config allows them", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());

  it("test refuses a prompt file's javascript assertion, and nothing runs", async () => {
    project = makeProjectDir({ "promptops.config.yaml": "providers: [echo]\n" });
    const marker = join(project.root, "pwned");
    project.write("prompts/greet.prompt.yaml", prompt(marker));

    const result = await runCli(["test", "--no-cache"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("prompts/greet.prompt.yaml:8:9");
    expect(result.stderr).toContain("javascript assertions run code");
    expect(existsSync(marker)).toBe(false);
    const validate = await runCli(["validate"], { cwd: project.root });
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toContain("test: { allowJavascript: true }");
    expect(existsSync(marker)).toBe(false);
  });

  it("with test.allowJavascript the same assertion runs", async () => {
    project = makeProjectDir({
      "promptops.config.yaml": "providers: [echo]\ntest: { allowJavascript: true }\n",
    });
    const marker = join(project.root, "ran");
    project.write("prompts/greet.prompt.yaml", prompt(marker));

    const result = await runCli(["test", "--no-cache"], { cwd: project.root });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(existsSync(marker)).toBe(true);
  });
});
