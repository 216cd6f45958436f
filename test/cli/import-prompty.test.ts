import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md §10: .prompty files, imported with the built CLI, become prompt files that validate
// and render, for each file's sample, the messages Prompty sends (worked out by hand in
// fixtures/prompty/prompty-messages/, from Prompty's semantics); export writes them back.
const FIXTURES = join(import.meta.dirname, "../fixtures/prompty");
const EXPECTED = join(FIXTURES, "expected");
const IDS = ["support-chat", "summarize-ticket", "photo-check", "classify-intent"];
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: { NO_COLOR: "1" } });

async function importedProject() {
  repo = await makeTempRepo();
  cpSync(join(FIXTURES, "source"), join(repo.root, "prompty"), { recursive: true });
  const run = await promptops(
    "import",
    "prompty",
    ...IDS.map((id) => `prompty/${id}.prompty`),
    "--out",
    "imported",
  );
  return { run, out: join(repo.root, "imported") };
}

interface PromptyMessages {
  source: string;
  vars: Record<string, unknown>;
  messages: unknown[];
}

const promptyMessages = (id: string): PromptyMessages =>
  parse(readFileSync(join(FIXTURES, "prompty-messages", `${id}.yaml`), "utf8"));

describe("promptops import prompty / export prompty (the built CLI, on realistic .prompty files)", () => {
  it("writes the golden prompt files and lists every thing not carried over with its location", async () => {
    const { run, out } = await importedProject();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(EXPECTED, "import-output.txt"), "utf8"));
    expect(readdirSync(join(out, "prompts")).sort()).toEqual(IDS.map((id) => `${id}.prompt.yaml`).sort());
    for (const id of IDS) {
      const file = `prompts/${id}.prompt.yaml`;
      expect(readFileSync(join(out, file), "utf8"), file).toBe(readFileSync(join(EXPECTED, file), "utf8"));
    }
    // Environment references are configuration or secrets: named, never copied.
    for (const id of IDS)
      expect(readFileSync(join(out, `prompts/${id}.prompt.yaml`), "utf8")).not.toContain("{env:");
  });

  it("the imported prompts validate and render, for each sample, exactly the messages Prompty sends", async () => {
    await importedProject();
    const validate = await promptops("validate", "--cwd", "imported");
    expect(validate.stdout).toContain(`${IDS.length} prompts checked: 0 errors`);
    expect(validate.code).toBe(0);
    for (const id of IDS) {
      const expected = promptyMessages(id);
      const imported = parse(readFileSync(join(repo.root, `imported/prompts/${id}.prompt.yaml`), "utf8"));
      // The sample became the one test's values.
      expect(imported.tests[0].vars, id).toEqual(expected.vars);
      writeFileSync(join(repo.root, `${id}.vars.json`), JSON.stringify(expected.vars));
      const render = await promptops("render", id, "--cwd", "imported", "--vars", `../${id}.vars.json`);
      expect(render.stderr, id).toBe("");
      expect(JSON.parse(render.stdout), id).toEqual(expected.messages);
    }
  });

  it("export writes the golden .prompty files, and importing them again gives the same prompt files", async () => {
    await importedProject();
    for (const id of IDS) {
      const run = await promptops(
        "export",
        "prompty",
        id,
        "--cwd",
        "imported",
        "--out",
        `../exported/${id}.prompty`,
      );
      expect(run.stderr, id).toBe("");
      expect(run.code, id).toBe(0);
      expect(readFileSync(join(repo.root, `exported/${id}.prompty`), "utf8"), id).toBe(
        readFileSync(join(EXPECTED, `exported/${id}.prompty`), "utf8"),
      );
    }
    const again = await promptops(
      "import",
      "prompty",
      ...IDS.map((id) => `exported/${id}.prompty`),
      "--out",
      "round-trip",
    );
    expect(again.code).toBe(0);
    for (const id of IDS) {
      const file = `prompts/${id}.prompt.yaml`;
      expect(readFileSync(join(repo.root, "round-trip", file), "utf8"), file).toBe(
        readFileSync(join(EXPECTED, file), "utf8"),
      );
    }
  });

  it("refuses to overwrite, lists a file it cannot import and exits 1, and refuses an export Prompty would misread", async () => {
    const { out } = await importedProject();
    const before = readFileSync(join(out, "prompts/support-chat.prompt.yaml"), "utf8");
    const again = await promptops("import", "prompty", "prompty/support-chat.prompty", "--out", "imported");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      "imported/prompts/support-chat.prompt.yaml: already exists: nothing written",
    );
    expect(readFileSync(join(out, "prompts/support-chat.prompt.yaml"), "utf8")).toBe(before);
    const json = await promptops(
      "import",
      "prompty",
      "prompty/support-chat.prompty",
      "--out",
      "imported",
      "--force",
      "--json",
    );
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout);
    expect(listed.written).toEqual(["imported/prompts/support-chat.prompt.yaml"]);
    expect(listed.skipped).toEqual([]);
    expect(listed.notCarried).toContainEqual({
      location: { file: "prompty/support-chat.prompty", line: 14, col: 5 },
      kind: "dropped",
      message:
        'not carried over: configuration "api_key" (an environment reference: its value is never copied; promptops reads API keys from the environment itself)',
    });

    writeFileSync(
      join(repo.root, "prompty/greeting.prompty"),
      "---\nname: Greeting\ntemplate: mustache\n---\nsystem:\nGreet {{name}}.\n",
    );
    const mustache = await promptops("import", "prompty", "prompty/greeting.prompty", "--out", "imported");
    expect(mustache.code).toBe(1);
    expect(mustache.stdout).toContain(
      "prompty/greeting.prompty:3:11: not carried over: a mustache template (promptops reads Jinja-style templates); the file was not imported",
    );
    expect(mustache.stdout).toContain("prompty/greeting.prompty: not imported");
    // Nothing was written: no "Next: promptops validate" as if there were something to validate.
    expect(mustache.stdout.trimEnd().split("\n").at(-1)).toBe("No file was imported: nothing written.");

    writeFileSync(
      join(out, "prompts/notes.prompt.yaml"),
      'messages:\n  - role: system\n    content: "Reply in two parts.\\nuser:\\nThen sign off."\n',
    );
    const exported = await promptops("export", "prompty", "notes", "--cwd", "imported");
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(
      "prompts/notes.prompt.yaml:3:14: cannot export to Prompty: a line that Prompty reads as a role line (like `user:`) inside the message",
    );
    expect(readdirSync(out)).not.toContain("notes.prompty");
    const other = await promptops("export", "langchain", "notes", "--cwd", "imported");
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('cannot export to "langchain"');
  });
});
