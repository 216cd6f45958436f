import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { filesUnder } from "../helpers/files-under.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md §10: dotprompt .prompt files, imported with the built CLI, are prompt files that
// validate and render the messages dotprompt itself would produce for the same inputs.
const FIXTURE = join(import.meta.dirname, "../fixtures/dotprompt");
const EXPECTED = join(FIXTURE, "expected");
const SOURCES = ["support-reply", "describe-photo", "triage.casual", "quick-summary"].map(
  (name) => `source/${name}.prompt`,
);
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: { NO_COLOR: "1" } });

async function importedProject() {
  repo = await makeTempRepo();
  cpSync(join(FIXTURE, "source"), join(repo.root, "source"), { recursive: true });
  const run = await promptops("import", "dotprompt", ...SOURCES, "--out", "imported");
  return { run, out: join(repo.root, "imported") };
}

interface RenderCase {
  name: string;
  id: string;
  vars: Record<string, unknown>;
  messages: unknown[];
}
const renderCases = parse(readFileSync(join(FIXTURE, "render-cases.yaml"), "utf8")) as RenderCase[];

describe("promptops import dotprompt (the built CLI, on realistic .prompt files)", () => {
  it("writes the golden prompt files, lists every thing not carried over with its location, and they validate", async () => {
    const { run, out } = await importedProject();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(EXPECTED, "import-output.txt"), "utf8"));
    const golden = filesUnder(EXPECTED).filter((f) => f !== "import-output.txt");
    expect(filesUnder(out)).toEqual(golden);
    for (const file of golden)
      expect(readFileSync(join(out, file), "utf8"), file).toBe(readFileSync(join(EXPECTED, file), "utf8"));
    const validate = await promptops("validate", "--cwd", "imported");
    expect(validate.stdout).toContain("4 prompts checked: 0 errors, 0 warnings");
    expect(validate.code).toBe(0);
  });

  it("renders, for each input, the messages dotprompt renders", async () => {
    const { out } = await importedProject();
    for (const [i, c] of renderCases.entries()) {
      writeFileSync(join(out, `vars-${i}.yaml`), stringify(c.vars));
      const render = await promptops(
        "render",
        c.id,
        "--cwd",
        "imported",
        "--vars",
        `vars-${i}.yaml`,
        "--json",
      );
      expect(render.stderr, c.name).toBe("");
      expect(JSON.parse(render.stdout).messages, c.name).toEqual(c.messages);
    }
  });

  it("refuses to overwrite without --force, writes nothing for a file it cannot carry over, and --json lists the same", async () => {
    const { out } = await importedProject();
    const before = readFileSync(join(out, "prompts/support-reply.prompt.yaml"), "utf8");
    const again = await promptops("import", "dotprompt", SOURCES[0]!, "--out", "imported");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      "imported/prompts/support-reply.prompt.yaml: already exists: nothing written",
    );
    expect(readFileSync(join(out, "prompts/support-reply.prompt.yaml"), "utf8")).toBe(before);

    writeFileSync(
      join(repo.root, "source/conditional-role.prompt"),
      '---\nmodel: openai/gpt-4o\n---\n{{#if strict}}\n{{role "system"}}Be strict.\n{{/if}}\n{{role "user"}}{{q}}\n',
    );
    const refused = await promptops(
      "import",
      "dotprompt",
      "source/conditional-role.prompt",
      "--out",
      "other",
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "source/conditional-role.prompt:5:1: not carried over: {{role}} inside a block",
    );
    expect(readdirSync(repo.root)).not.toContain("other");

    const json = await promptops("import", "dotprompt", ...SOURCES, "--out", "imported", "--force", "--json");
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout);
    expect(listed.written).toHaveLength(4);
    expect(listed.notCarried).toContainEqual({
      location: { file: "source/triage.casual.prompt", line: 19, col: 1 },
      kind: "dropped",
      message:
        "not carried over: the partial {{> house-style}} (dotprompt resolves partials in the application)",
    });
  });
});
