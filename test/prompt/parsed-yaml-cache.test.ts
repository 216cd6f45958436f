import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ParsedYamlCache } from "../../src/yaml/parsed-yaml-cache.js";
import { parseYamlSource } from "../../src/yaml/yaml-source.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

let project: ProjectDir;
afterEach(() => project?.cleanup());

const PROMPT = [
  "model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2 } }",
  "variables: { name: { type: string } }",
  "messages:",
  "  - role: system",
  "    content: |",
  "      You greet people.",
  "      Their name: {{ name }}",
  "tests:",
  "  - name: greets Ann",
  "    vars: { name: Ann }",
  "    assert: [{ contains: Ann }]",
  "",
].join("\n");

/** What a run asks of a prompt file's source, as checks and planning do. */
const questions = (source: ReturnType<typeof parseYamlSource>) => ({
  value: source.value,
  diagnostics: source.diagnostics,
  testName: source.locate(["tests", 0, "name"]),
  testKey: source.locate(["tests", 0], "key"),
  inBlock: source.locateInString(["messages", 0, "content"], 1, 13),
});

/** A new project, and the cache file a run of build-1 left there after parsing PROMPT. */
function cacheFileAfterOneRun(): string {
  project = makeProjectDir();
  const file = join(project.root, "parsed.json");
  const cache = new ParsedYamlCache(file, "build-1");
  parseYamlSource("a.prompt.yaml", PROMPT, cache);
  cache.save();
  return file;
}

describe("parsed prompt files kept between runs", () => {
  it("answers a later run as parsing would: the value and every position asked before", () => {
    project = makeProjectDir();
    const file = join(project.root, "parsed.json");
    const first = new ParsedYamlCache(file, "build-1");
    const expected = questions(parseYamlSource("a.prompt.yaml", PROMPT));
    expect(questions(parseYamlSource("a.prompt.yaml", PROMPT, first))).toEqual(expected);
    first.save();

    const later = new ParsedYamlCache(file, "build-1");
    expect(later.get(PROMPT)).toBeDefined();
    expect(questions(parseYamlSource("a.prompt.yaml", PROMPT, later))).toEqual(expected);
    // Nothing new was learnt, so nothing is written.
    const written = statSync(file).mtimeMs;
    later.save();
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("a position no run asked for is found by parsing then, and kept for the next run", () => {
    const file = cacheFileAfterOneRun();

    const second = new ParsedYamlCache(file, "build-1");
    const source = parseYamlSource("a.prompt.yaml", PROMPT, second);
    expect(source.locate(["variables", "name"], "key")).toEqual({ line: 2, col: 14 });
    second.save();
    expect(readFileSync(file, "utf8")).toContain('\\"variables\\",\\"name\\"');
  });

  it("a changed text, another build of promptops, or a broken cache file is a miss, never a wrong answer", () => {
    const file = cacheFileAfterOneRun();
    expect(new ParsedYamlCache(file, "build-1").get(PROMPT.replace("Ann", "Bob"))).toBeUndefined();
    expect(new ParsedYamlCache(file, "build-2").get(PROMPT)).toBeUndefined();
    writeFileSync(file, '{"build":"build-1","entries":');
    const fresh = new ParsedYamlCache(file, "build-1");
    expect(fresh.get(PROMPT)).toBeUndefined();
    expect(parseYamlSource("a.prompt.yaml", PROMPT, fresh).value).toEqual(parseYamlSource("x", PROMPT).value);
  });

  it("keeps neither a file with problems nor a value JSON would change (.inf, -0)", () => {
    project = makeProjectDir();
    const file = join(project.root, "parsed.json");
    const cache = new ParsedYamlCache(file, "build-1");
    const broken = "messages: [\n";
    const unsafe = "model: { provider: openai, name: x, params: { temperature: .inf, seed: -0 } }\n";
    expect(parseYamlSource("a.prompt.yaml", broken, cache).diagnostics.length).toBeGreaterThan(0);
    expect(parseYamlSource("b.prompt.yaml", unsafe, cache).value).toMatchObject({
      model: { params: { temperature: Number.POSITIVE_INFINITY } },
    });
    cache.save();
    expect(existsSync(file)).toBe(false);
  });

  it("gives each use its own objects: two files with the same text share nothing", () => {
    project = makeProjectDir();
    const cache = new ParsedYamlCache(join(project.root, "parsed.json"), "build-1");
    parseYamlSource("a.prompt.yaml", PROMPT, cache);
    const one = parseYamlSource("a.prompt.yaml", PROMPT, cache).value as { tests: unknown[] };
    const two = parseYamlSource("b.prompt.yaml", PROMPT, cache).value as { tests: unknown[] };
    one.tests.push("changed");
    expect(two.tests).toHaveLength(1);
  });
});

describe("promptops test with kept prompt files", () => {
  it("sees a prompt's change on the next run, and gives the same results when nothing changed", async () => {
    project = makeProjectDir({
      "promptops.config.yaml": "providers: [echo]\n",
      "prompts/greet.prompt.yaml": PROMPT,
    });
    const run = async () => {
      const result = await runCli(["test", "--providers", "echo", "--reporter", "json"], {
        cwd: project.root,
      });
      const report = JSON.parse(result.stdout);
      return {
        code: result.code,
        results: report.results.map((r: Record<string, unknown>) => [r.test, r.status, r.output]),
      };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(existsSync(join(project.root, ".promptops", "parsed-yaml.json"))).toBe(true);
    expect(await run()).toEqual(first);

    project.write("prompts/greet.prompt.yaml", PROMPT.replace("contains: Ann", "contains: Bob"));
    const edited = await run();
    expect(edited.code).toBe(1);
    expect(edited.results[0][1]).toBe("fail");
  });

  it("points at the right place in an unchanged prompt that a changed partial makes invalid", async () => {
    const withPartial = PROMPT.replace("      You greet people.", '      {% include "partials/tone.njk" %}');
    project = makeProjectDir({
      "promptops.config.yaml": "providers: [echo]\n",
      "prompts/greet.prompt.yaml": withPartial,
      "prompts/partials/tone.njk": "Be warm.\n",
    });
    expect((await runCli(["test", "--providers", "echo"], { cwd: project.root })).code).toBe(0);
    project.write("prompts/partials/tone.njk", "Be warm to {{ nickname }}.\n");
    const cached = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(cached.code).toBe(1);
    expect(cached.stderr).toContain("prompts/greet.prompt.yaml:6:");
    expect(cached.stderr).toContain('"nickname" is used by partial "partials/tone.njk" but not declared');
    // The same words as a run that parses everything afresh.
    rmSync(join(project.root, ".promptops", "parsed-yaml.json"));
    expect((await runCli(["test", "--providers", "echo"], { cwd: project.root })).stderr).toBe(cached.stderr);
  });
});
