import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RunResults } from "../../src/regression/results.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { userText } from "../fixtures/runner/runner-project.js";
import { filesUnder } from "../helpers/files-under.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md §10: a promptfoo project, imported with the built CLI, is a promptops project that
// validates and whose `test` runs the same cases with the verdicts the promptfoo project expects.
const FIXTURE = join(import.meta.dirname, "../fixtures/promptfoo/support-project");
const EXPECTED = `${FIXTURE}.expected`;
const KEY = "sk-import-promptfoo-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const promptops = (...args: string[]) =>
  runCli(args, {
    cwd: repo.root,
    env: {
      NO_COLOR: "1",
      OPENAI_BASE_URL: server.openaiBaseURL,
      OPENAI_API_KEY: KEY,
      ANTHROPIC_BASE_URL: server.anthropicBaseURL,
      ANTHROPIC_API_KEY: KEY,
    },
  });

async function importedProject() {
  repo = await makeTempRepo();
  cpSync(FIXTURE, join(repo.root, "promptfoo"), { recursive: true });
  const run = await promptops("import", "promptfoo", "promptfoo/promptfooconfig.yaml", "--out", "imported");
  return { run, out: join(repo.root, "imported") };
}

describe("promptops import promptfoo (the built CLI, on a realistic promptfoo project)", () => {
  it("writes the golden prompt files and config, and lists every thing not carried over with its location", async () => {
    const { run, out } = await importedProject();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(EXPECTED, "import-output.txt"), "utf8"));
    const golden = filesUnder(EXPECTED).filter((f) => f !== "import-output.txt" && f !== "verdicts.yaml");
    expect(filesUnder(out)).toEqual(golden);
    for (const file of golden)
      expect(readFileSync(join(out, file), "utf8"), file).toBe(readFileSync(join(EXPECTED, file), "utf8"));
  });

  it("--json lists the files and each thing not carried over; a second import refuses to overwrite; another tool is a usage error", async () => {
    const { out } = await importedProject();
    const before = readFileSync(join(out, "promptops.config.yaml"), "utf8");
    const again = await promptops(
      "import",
      "promptfoo",
      "promptfoo/promptfooconfig.yaml",
      "--out",
      "imported",
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("imported/promptops.config.yaml: already exists: nothing written");
    expect(readFileSync(join(out, "promptops.config.yaml"), "utf8")).toBe(before);
    const json = await promptops(
      "import",
      "promptfoo",
      "promptfoo/promptfooconfig.yaml",
      "--out",
      "imported",
      "--force",
      "--json",
    );
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout);
    expect(listed.written).toEqual([
      "imported/promptops.config.yaml",
      "imported/prompts/refund-reply.prompt.yaml",
      "imported/prompts/triage.prompt.yaml",
      "imported/prompts/ticket-summary.prompt.yaml",
    ]);
    expect(listed.notCarried).toContainEqual({
      location: { file: "promptfoo/promptfooconfig.yaml", line: 77, col: 15 },
      kind: "dropped",
      message: 'not carried over: assertion "python": promptops has no equivalent',
    });
    const other = await promptops("import", "langsmith", "x.yaml");
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('cannot import from "langsmith"');
  });

  it("validates once the javascript assertions are allowed, and runs every case with the expected verdicts", async () => {
    const { out } = await importedProject();
    const notAllowed = await promptops("validate", "--cwd", "imported");
    expect(notAllowed.code).toBe(1);
    expect(notAllowed.stdout + notAllowed.stderr).toContain("javascript assertions run code");
    // The review the import asks for: the team read the carried-over javascript and allows it.
    writeFileSync(
      join(out, "promptops.config.yaml"),
      `${readFileSync(join(out, "promptops.config.yaml"), "utf8")}test: { allowJavascript: true }\n`,
    );
    const validate = await promptops("validate", "--cwd", "imported");
    expect(validate.stdout + validate.stderr).toContain("3 prompts checked: 0 errors, 0 warnings");
    expect(validate.code).toBe(0);

    // The fake models echo the last user message; the judge (gpt-4o, promptfoo's default grader) approves.
    server.reply = (request) =>
      request.body?.model === "gpt-4o"
        ? '{"score": 0.9, "pass": true, "reasoning": "Polite."}'
        : userText(request);
    const run = await promptops(
      "test",
      "--cwd",
      "imported",
      "--reporter",
      "json",
      "--output",
      "results.json",
    );
    const results: RunResults = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    const expected = parse(readFileSync(join(EXPECTED, "verdicts.yaml"), "utf8")) as Array<{
      prompt: string;
      test: string;
      status: string;
    }>;
    const verdicts = (providers: string[]) =>
      expected.flatMap((v) => providers.map((provider) => ({ ...v, provider }))).sort(byCase);
    const got = results.results.map((r) => ({
      prompt: r.prompt,
      test: r.test,
      status: r.status,
      provider: r.provider,
    }));
    expect(got.sort(byCase)).toEqual(verdicts(["anthropic:claude-haiku-4-5", "openai:gpt-4o-mini"]));
    expect(run.code).toBe(1);
  });
});

function byCase(a: Record<string, string>, b: Record<string, string>): number {
  const key = (c: Record<string, string>) => `${c.prompt}\u0000${c.test}\u0000${c.provider}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
