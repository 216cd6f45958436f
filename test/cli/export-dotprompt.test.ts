import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { filesUnder } from "../helpers/files-under.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md §10: `promptops export dotprompt <id>` writes what dotprompt can express, lists what it
// cannot carry, and refuses a template Handlebars cannot express rather than write a wrong one.
const FIXTURE = join(import.meta.dirname, "../fixtures/dotprompt");
const IDS = ["support-reply", "describe-photo", "triage.casual", "quick-summary"];
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: { NO_COLOR: "1" } });

async function projectWith(files: Record<string, string>) {
  repo = await makeTempRepo();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo.root, path, ".."), { recursive: true });
    writeFileSync(join(repo.root, path), text);
  }
}

describe("promptops export dotprompt (the built CLI)", () => {
  it("exports the imported fixtures to the golden .prompt files, and importing those gives the same prompts", async () => {
    repo = await makeTempRepo();
    cpSync(join(FIXTURE, "expected/prompts"), join(repo.root, "prompts"), { recursive: true });
    for (const id of IDS) {
      const run = await promptops("export", "dotprompt", id, "--out", `exported/${id}.prompt`);
      expect(run.stderr, id).toBe("");
      expect(run.stdout, id).toBe(`wrote exported/${id}.prompt\n`);
      expect(readFileSync(join(repo.root, `exported/${id}.prompt`), "utf8"), id).toBe(
        readFileSync(join(FIXTURE, `expected-export/${id}.prompt`), "utf8"),
      );
    }
    const again = await promptops(
      "import",
      "dotprompt",
      ...IDS.map((id) => `exported/${id}.prompt`),
      "--out",
      "round-trip",
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Everything was carried over.");
    expect(filesUnder(join(repo.root, "round-trip"))).toEqual(
      filesUnder(join(FIXTURE, "expected")).filter((f) => f.startsWith("prompts/")),
    );
    for (const id of IDS)
      expect(readFileSync(join(repo.root, `round-trip/prompts/${id}.prompt.yaml`), "utf8"), id).toBe(
        readFileSync(join(FIXTURE, `expected/prompts/${id}.prompt.yaml`), "utf8"),
      );
  });

  it("prints the file without --out, lists tests and other things dotprompt has no place for, and never overwrites unasked", async () => {
    await projectWith({
      "prompts/greet.prompt.yaml": [
        "owners: ['@acme/support']",
        "model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2, logit_bias: { '50256': -100 } } }",
        "variables: { name: { type: string } }",
        "messages:",
        "  - role: user",
        "    content: 'Hello {{ name }}'",
        "tests:",
        "  - name: greets by name",
        "    vars: { name: Ann }",
        "    assert: [{ contains: Ann }]",
        "",
      ].join("\n"),
      "greet.prompt": "mine\n",
    });
    const printed = await promptops("export", "dotprompt", "greet");
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(
      [
        "---",
        "model: openai/gpt-4o-mini",
        "config:",
        "  temperature: 0.2",
        "input:",
        "  schema:",
        "    name: string",
        "---",
        '{{role "user"}}Hello {{name}}',
        "",
      ].join("\n"),
    );
    expect(printed.stderr.split("\n")).toEqual([
      "prompts/greet.prompt.yaml:1:1: not carried over: owners (dotprompt has no owners)",
      'prompts/greet.prompt.yaml:2:75: not carried over: the parameter "logit_bias"',
      "prompts/greet.prompt.yaml:7:1: not carried over: tests (dotprompt has no tests)",
      "",
    ]);
    const refused = await promptops("export", "dotprompt", "greet", "--out", "greet.prompt");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("greet.prompt: already exists: nothing written");
    expect(readFileSync(join(repo.root, "greet.prompt"), "utf8")).toBe("mine\n");
    const forced = await promptops("export", "dotprompt", "greet", "--out", "greet.prompt", "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(join(repo.root, "greet.prompt"), "utf8")).toBe(printed.stdout);
  });

  it("refuses, at the template's place, what Handlebars cannot express, and writes nothing", async () => {
    await projectWith({
      "prompts/shout.prompt.yaml": [
        "variables: { name: { type: string }, items: { type: array } }",
        "messages:",
        "  - role: system",
        "    content: |",
        "      Greet the customer.",
        "      Name: {{ name | upper }}",
        "  - role: user",
        "    content: '{% if items %}some{% endif %}'",
        "",
      ].join("\n"),
    });
    const filter = await promptops("export", "dotprompt", "shout", "--out", "shout.prompt");
    expect(filter.code).toBe(1);
    expect(filter.stderr).toContain(
      'prompts/shout.prompt.yaml:6:23: cannot be expressed in dotprompt: the filter "upper" (no Handlebars helper in dotprompt)',
    );
    expect(existsSync(join(repo.root, "shout.prompt"))).toBe(false);

    writeFileSync(
      join(repo.root, "prompts/shout.prompt.yaml"),
      readFileSync(join(repo.root, "prompts/shout.prompt.yaml"), "utf8").replace(
        "{{ name | upper }}",
        "{{ name }}",
      ),
    );
    const list = await promptops("export", "dotprompt", "shout", "--out", "shout.prompt");
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(
      "prompts/shout.prompt.yaml:8:21: cannot be expressed in dotprompt: a list tested as true or false",
    );
    expect(existsSync(join(repo.root, "shout.prompt"))).toBe(false);
  });

  it("keeps a comment written inside a message's text, rather than refusing the prompt over whitespace", async () => {
    await projectWith({
      "prompts/noted.prompt.yaml": [
        "variables: { name: { type: string } }",
        "messages:",
        "  - role: user",
        "    content: 'Hello{# greeting, reviewed by legal #} {{ name }}, welcome'",
        "",
      ].join("\n"),
    });
    const exported = await promptops("export", "dotprompt", "noted");
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(
      '{{role "user"}}Hello{{!-- greeting, reviewed by legal --}} {{name}}, welcome',
    );
  });

  it('writes the literal braces extract and import escape as {{ "{" }} as Handlebars text, rendering the same after a round trip', async () => {
    await projectWith({
      "prompts/braces.prompt.yaml": [
        "variables: { name: { type: string } }",
        "messages:",
        "  - role: system",
        `    content: 'Write {{ "{" }}{ name }} and {{ "{" }}% raw %} as is, {{ "{" }}# too {{ "#" }}}, page {{ 2 }}.'`,
        "  - role: user",
        "    content: 'I am {{ name }}'",
        "",
      ].join("\n"),
    });
    const exported = await promptops(
      "export",
      "dotprompt",
      "braces",
      "--out",
      "exported/braces-again.prompt",
    );
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    expect(readFileSync(join(repo.root, "exported/braces-again.prompt"), "utf8")).toContain(
      '{{role "system"}}Write \\{{ name }} and {% raw %} as is, {# too #}, page 2.{{role "user"}}I am {{name}}',
    );
    const imported = await promptops("import", "dotprompt", "exported/braces-again.prompt", "--out", ".");
    expect(imported.code).toBe(0);
    const render = async (id: string) =>
      JSON.parse((await promptops("render", id, "--var", "name=Ann", "--json")).stdout).messages;
    expect(await render("braces-again")).toEqual(await render("braces"));
    expect((await render("braces"))[0].content).toBe(
      "Write {{ name }} and {% raw %} as is, {# too #}, page 2.",
    );
  });
});
