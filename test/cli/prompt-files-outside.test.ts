import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

let outside: ProjectDir;
let project: ProjectDir;
afterEach(() => {
  project?.cleanup();
  outside?.cleanup();
});

const prompt = `variables:
  name: { type: string }
messages:
  - role: user
    content: "Hi {{ name }}"
tests:
  - name: greets
    vars: { name: Ann }
    assert: [{ contains: Ann }]
`;

// A file a pull request could link to: anything it quoted back in an error would leak.
const secret = "aws_secret_access_key: SECRET-TOKEN-123\n";

describe("prompt files outside promptsDir are reported, never read", () => {
  it("a prompt file that links outside promptsDir, to a FIFO or to /dev/zero", async () => {
    outside = makeProjectDir({ "credentials.yaml": secret });
    project = makeProjectDir({ "prompts/ok.prompt.yaml": prompt, "prompts/inside/real.yaml": prompt });
    const prompts = join(project.root, "prompts");
    symlinkSync(join(outside.root, "credentials.yaml"), join(prompts, "leak.prompt.yaml"));
    symlinkSync("/dev/zero", join(prompts, "zero.prompt.yaml"));
    execFileSync("mkfifo", [join(prompts, "pipe")]);
    symlinkSync(join(prompts, "pipe"), join(prompts, "pipe.prompt.yaml"));
    // A FIFO under a prompt file's name, not a link: reported too, never left out without a word.
    execFileSync("mkfifo", [join(prompts, "fifo.prompt.yaml")]);
    // A link that stays inside the project is fine.
    symlinkSync(join(prompts, "inside", "real.yaml"), join(prompts, "linked.prompt.yaml"));

    const validate = await runCli(["validate"], { cwd: project.root });
    const output = validate.stdout + validate.stderr;
    expect(validate.code).toBe(1);
    expect(output).not.toContain("SECRET-TOKEN-123");
    expect(output).toContain(
      "prompts/leak.prompt.yaml:1:1: error: prompt file is a link to a file outside promptsDir: not read",
    );
    expect(output).toContain(
      "prompts/zero.prompt.yaml:1:1: error: prompt file is a link to a file outside promptsDir",
    );
    expect(output).toContain("prompts/pipe.prompt.yaml:1:1: error: prompt file is not a regular file");
    expect(output).toContain("prompts/fifo.prompt.yaml:1:1: error: prompt file is not a regular file");
    expect(output).not.toContain("linked.prompt.yaml");
    expect(output).toContain("6 prompts checked: 4 errors");

    const test = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(test.code).toBe(1);
    expect(test.stderr).not.toContain("SECRET-TOKEN-123");
    expect(test.stderr).toContain("cannot test invalid prompts: fifo, leak, pipe, zero");
  });

  it("a partial that links to a FIFO does not hang validate", async () => {
    project = makeProjectDir({
      "prompts/a.prompt.yaml": `messages:\n  - role: user\n    content: '{% include "tone.njk" %}'\n`,
    });
    execFileSync("mkfifo", [join(project.root, "prompts", "pipe")]);
    symlinkSync(join(project.root, "prompts", "pipe"), join(project.root, "prompts", "tone.njk"));
    const validate = await runCli(["validate"], { cwd: project.root });
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toContain('partial "tone.njk" not found');
  });

  it("promptsDir outside the project is a config error, and nothing there is read", async () => {
    outside = makeProjectDir({ "prompts/secret.prompt.yaml": secret });
    project = makeProjectDir({ "prompts/ok.prompt.yaml": prompt });
    const relativeOut = join("..", outside.root.split("/").at(-1)!, "prompts");
    writeFileSync(join(project.root, "promptops.config.yaml"), `promptsDir: ${relativeOut}\n`);
    const validate = await runCli(["validate"], { cwd: project.root });
    const output = validate.stdout + validate.stderr;
    expect(validate.code).toBe(1);
    expect(output).toContain(
      `promptops.config.yaml:1:13: error: promptsDir "${relativeOut}" is outside the project`,
    );
    expect(output).not.toContain("secret.prompt.yaml");
    expect(output).not.toContain("SECRET-TOKEN-123");

    // A promptsDir that is a link to elsewhere is elsewhere too.
    symlinkSync(join(outside.root, "prompts"), join(project.root, "linked"));
    writeFileSync(join(project.root, "promptops.config.yaml"), "promptsDir: linked\n");
    const test = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(test.code).toBe(2);
    expect(test.stderr).toContain('promptsDir "linked" is outside the project');
    expect(test.stderr).not.toContain("SECRET-TOKEN-123");

    mkdirSync(join(project.root, "nested", "prompts"), { recursive: true });
    writeFileSync(join(project.root, "promptops.config.yaml"), "promptsDir: nested/prompts\n");
    // Inside the project: no config error, only that it holds no prompt file yet.
    const nested = await runCli(["validate"], { cwd: project.root });
    expect(nested.stderr).not.toContain("outside the project");
    expect(nested.stderr).toContain("no prompt files (*.prompt.yaml) under nested/prompts");
  });
});
