import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

let project: ProjectDir;
afterEach(() => project?.cleanup());

const ESC = "\u001b[";

describe("the promptops command", () => {
  it("prints help with every command and exits 0", async () => {
    project = makeProjectDir();
    const result = await runCli(["--help"], { cwd: project.root });
    expect(result.code).toBe(0);
    for (const command of ["init", "validate", "render"]) expect(result.stdout).toContain(command);
  });

  it("prints the package version", async () => {
    project = makeProjectDir();
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const result = await runCli(["--version"], { cwd: project.root });
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it("treats an unknown option or command as a usage error (exit 2)", async () => {
    project = makeProjectDir();
    expect((await runCli(["validate", "--frobnicate"], { cwd: project.root })).code).toBe(2);
    const unknown = await runCli(["valdate"], { cwd: project.root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("validate");
  });
});

describe("promptops init", () => {
  it("scaffolds a project that validates and renders, and never overwrites without --force", async () => {
    project = makeProjectDir({
      ".gitignore": "node_modules/",
      ".vscode/settings.json": '{ "editor.tabSize": 2 }',
    });
    const first = await runCli(["init"], { cwd: project.root });
    expect(first.code).toBe(0);
    for (const file of [
      "promptops.config.yaml",
      "prompts/order-help.prompt.yaml",
      "prompts/partials/tone.njk",
    ]) {
      expect(existsSync(join(project.root, file))).toBe(true);
    }
    expect(readFileSync(join(project.root, ".gitignore"), "utf8")).toBe("node_modules/\n.promptops/\n");
    const settings = JSON.parse(readFileSync(join(project.root, ".vscode/settings.json"), "utf8"));
    expect(settings["editor.tabSize"]).toBe(2);
    expect(settings["yaml.schemas"]["./node_modules/promptops/schemas/prompt.schema.json"]).toEqual([
      "prompts/**/*.prompt.yaml",
    ]);

    expect((await runCli(["validate"], { cwd: project.root })).code).toBe(0);

    writeFileSync(join(project.root, "promptops.config.yaml"), "promptsDir: prompts\n");
    const again = await runCli(["init"], { cwd: project.root });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("refusing to overwrite promptops.config.yaml");
    expect(again.stderr).toContain("--force");
    expect(readFileSync(join(project.root, "promptops.config.yaml"), "utf8")).toBe("promptsDir: prompts\n");

    const forced = await runCli(["init", "--force"], { cwd: project.root });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(project.root, "promptops.config.yaml"), "utf8")).toContain("environments:");
    expect(readFileSync(join(project.root, ".gitignore"), "utf8")).toBe("node_modules/\n.promptops/\n");
  });
});

const brokenPrompt = `messages:
  - role: user
    content: "Hi {{ nmae }}"
    temprature: 1
`;

describe("promptops validate", () => {
  it("reports every problem as file:line:col with a hint, and exits 1", async () => {
    project = makeProjectDir({
      "prompts/bad.prompt.yaml": brokenPrompt,
      "prompts/worse.prompt.yaml": "messages: [\n",
    });
    const result = await runCli(["validate"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'prompts/bad.prompt.yaml:4:5: error: unknown key "temprature" in messages.0',
    );
    expect(result.stdout).toContain("prompts/worse.prompt.yaml:2:1: error: YAML syntax error");
    expect(result.stdout).toContain(
      'prompts/bad.prompt.yaml:3:21: error: variable "nmae" is used but not declared',
    );
    expect(result.stdout).toContain("2 prompts checked: 3 errors");
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).toBe("");
  });

  it("prints diagnostics as JSON with --json", async () => {
    project = makeProjectDir({
      "prompts/bad.prompt.yaml": "messages:\n  - role: user\n    content: '{{ x }}'\n",
    });
    const result = await runCli(["validate", "--json"], { cwd: project.root });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, promptsChecked: 1, errors: 1, warnings: 0 });
    expect(report.diagnostics[0]).toMatchObject({
      file: "prompts/bad.prompt.yaml",
      line: 3,
      col: 18,
      severity: "error",
      code: "variable-undeclared",
    });
  });

  it("prints GitHub annotations with --format github", async () => {
    project = makeProjectDir({ "prompts/bad.prompt.yaml": brokenPrompt });
    const result = await runCli(["validate", "--format", "github"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error file=prompts\/bad\.prompt\.yaml,line=3,col=\d+,title=promptops variable-undeclared::/m,
    );
  });

  it("checks only the named paths, and says so when a path is not a prompt", async () => {
    project = makeProjectDir({
      "prompts/good.prompt.yaml": "messages: [{ role: user, content: hi }]\n",
      "prompts/bad.prompt.yaml": brokenPrompt,
    });
    const one = await runCli(["validate", "prompts/good.prompt.yaml"], { cwd: project.root });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("1 prompt checked: 0 errors");
    const missing = await runCli(["validate", "prompts/nope.prompt.yaml"], { cwd: project.root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or folder: prompts/nope.prompt.yaml");
  });

  it("colours only when asked, and never with NO_COLOR", async () => {
    project = makeProjectDir({ "prompts/bad.prompt.yaml": brokenPrompt });
    const forced = await runCli(["validate"], { cwd: project.root, env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain(ESC);
    const noColour = await runCli(["validate"], {
      cwd: project.root,
      env: { FORCE_COLOR: "1", NO_COLOR: "1" },
    });
    expect(noColour.stdout).not.toContain(ESC);
  });
});

describe("promptops render", () => {
  const files = {
    "promptops.config.yaml": "promptsDir: prompts\n",
    "prompts/partials/tone.njk": "Be kind.",
    "prompts/support/agent.prompt.yaml": `variables:
  name: { type: string }
messages:
  - role: system
    content: "{% include 'partials/tone.njk' %}"
  - role: user
    content: "I am {{ name }}"
`,
  };

  it("prints OpenAI messages by default, found from a subdirectory through --cwd", async () => {
    project = makeProjectDir(files);
    mkdirSync(join(project.root, "deep/er"), { recursive: true });
    const result = await runCli(["render", "support/agent", "--var", "name=Ann", "--cwd", "deep/er"], {
      cwd: project.root,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { role: "system", content: "Be kind." },
      { role: "user", content: "I am Ann" },
    ]);
  });

  it("prints Anthropic's shape and readable text", async () => {
    project = makeProjectDir({ ...files, "vars.yaml": "name: Bo\n" });
    const anthropic = await runCli(
      ["render", "support/agent", "--vars", "vars.yaml", "--format", "anthropic"],
      {
        cwd: project.root,
      },
    );
    expect(JSON.parse(anthropic.stdout)).toEqual({
      system: "Be kind.",
      messages: [{ role: "user", content: "I am Bo" }],
    });
    const text = await runCli(["render", "support/agent", "--var", "name=Bo", "--format", "text"], {
      cwd: project.root,
    });
    expect(text.stdout).toBe("── system ──\nBe kind.\n\n── user ──\nI am Bo\n");
  });

  it("refuses a missing variable with exit 1, and an unknown id with exit 2 and close matches", async () => {
    project = makeProjectDir(files);
    const missing = await runCli(["render", "support/agent"], { cwd: project.root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing variable "name"');
    expect(missing.stderr).not.toContain("    at ");
    const unknown = await runCli(["render", "support/agnet"], { cwd: project.root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "support/agent"?');
  });

  it("shows a stack trace only with --debug", async () => {
    project = makeProjectDir(files);
    const result = await runCli(["render", "support/agent", "--debug"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("    at ");
  });
});
