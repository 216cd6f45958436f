import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importPrompty } from "../../src/interop/prompty/import-prompty.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

// A .prompty file is untrusted input (it comes with a pull request): its front matter is parsed
// as data, a sample file is read only from beside it, nothing in it runs, no secret is copied.
let dir: ProjectDir;
/** Prompty's `${env:NAME}` / `${file:NAME}` reference, spelt without a template-string look-alike. */
const ref = (kind: "env" | "file", name: string) => `$\{${kind}:${name}}`;
afterEach(() => dir.cleanup());

function prompty(files: Record<string, string>) {
  dir = makeProjectDir(files);
  return (names: string[] = Object.keys(files).filter((f) => f.endsWith(".prompty")), force = false) =>
    importPrompty({ cwd: dir.root, files: names, outDir: "out", force });
}

const promptFile = (id: string) =>
  parse(readFileSync(join(dir.root, "out/prompts", `${id}.prompt.yaml`), "utf8"));

const notes = (result: ReturnType<ReturnType<typeof prompty>>) =>
  result.notCarried.map((n) => `${n.location.line}:${n.location.col} ${n.kind}: ${n.message}`);

describe("import prompty treats the file as untrusted", () => {
  it("reads no sample file outside the .prompty file's folder, by a ../ path or a link", () => {
    const run = prompty({
      "p/outside.prompty": `---\nsample: ${ref("file", "../secret.json")}\n---\nuser:\n{{q}}\n`,
      "p/linked.prompty": "---\nsample: linked.json\n---\nuser:\n{{q}}\n",
      "secret.json": '{"q": "TOP SECRET"}',
    });
    symlinkSync(join(dir.root, "secret.json"), join(dir.root, "p/linked.json"));
    const result = run();
    expect(result.notCarried.map((n) => [n.location.file, n.location.line, n.message])).toEqual([
      ["p/outside.prompty", 2, "not read: a sample that is not a JSON file beside the .prompty file"],
      [
        "p/linked.prompty",
        2,
        expect.stringMatching(/^not read: the sample file is a link to a file outside/),
      ],
    ]);
    expect(JSON.stringify(result)).not.toContain("TOP SECRET");
    expect(readFileSync(join(dir.root, "out/prompts/outside.prompt.yaml"), "utf8")).not.toContain("SECRET");
  });

  it("never copies an environment reference's value, wherever it stands, and names what it left out", () => {
    process.env.PROMPTY_TEST_SECRET = "sk-should-never-appear";
    const run = prompty({
      "a.prompty": [
        "---",
        "model:",
        "  configuration:",
        "    type: openai",
        "    name: gpt-4o-mini",
        `    api_key: ${ref("env", "PROMPTY_TEST_SECRET")}`,
        "inputs:",
        `  tone: { type: string, default: '${ref("env", "PROMPTY_TEST_SECRET")}' }`,
        "sample:",
        `  q: ${ref("env", "PROMPTY_TEST_SECRET")}`,
        "---",
        "system:",
        "Be {{tone}}.",
        "user:",
        "{{q}}",
        "",
      ].join("\n"),
    });
    const result = run();
    delete process.env.PROMPTY_TEST_SECRET;
    expect(JSON.stringify(result)).not.toContain("sk-should");
    const text = readFileSync(join(dir.root, "out/prompts/a.prompt.yaml"), "utf8");
    expect(text).not.toContain("env:");
    expect(notes(result)).toEqual([
      '6:5 dropped: not carried over: configuration "api_key" (an environment reference: its value is never copied; promptops reads API keys from the environment itself)',
      "8:34 dropped: not carried over: an environment or file reference (its value is never copied)",
      '9:1 review: the sample gives no "tone": Prompty renders it empty, so the test gives ""',
      '9:1 review: the sample gives no "q": Prompty renders it empty, so the test gives ""',
      "10:6 dropped: not carried over: an environment or file reference (its value is never copied)",
    ]);
  });

  it("refuses to overwrite an existing prompt file and writes nothing; --force replaces it", () => {
    const run = prompty({
      "a.prompty": "---\nname: a\n---\nHello.\n",
      "b.prompty": "---\nname: b\n---\nuser:\nHi.\n",
      "out/prompts/b.prompt.yaml": "mine\n",
    });
    expectPromptOpsError(() => run(), {
      code: "import-would-overwrite",
      exitCode: 2,
      location: { file: join(dir.root, "out/prompts/b.prompt.yaml") },
    });
    expect(readFileSync(join(dir.root, "out/prompts/b.prompt.yaml"), "utf8")).toBe("mine\n");
    expect(() => readFileSync(join(dir.root, "out/prompts/a.prompt.yaml"))).toThrow();
    run(undefined, true);
    expect(promptFile("b").messages).toEqual([{ role: "user", content: "Hi." }]);
    // Text before the first role line is the system message, as in Prompty.
    expect(promptFile("a").messages).toEqual([{ role: "system", content: "Hello." }]);
  });

  it("reads a body built to make its patterns backtrack in one pass, and refuses a file over 1 MiB unread", () => {
    // Each line alone would take minutes with a pattern that backtracks: "![" after "![" with no
    // "]", "](" after "](" with no ")", and spaces before a line that is not a role.
    const body = ["![".repeat(150_000), `![a](${"](".repeat(150_000)}`, `${" ".repeat(200_000)}x:`].join(
      "\n",
    );
    const run = prompty({
      "big.prompty": `---\nname: big\n---\nuser:\n${body}\n`,
      "tag.prompty": `---\nname: tag\n---\nuser:\n{%${" ".repeat(200_000)}x %}{% for k, v in m${" ".repeat(200_000)}y %}\n`,
      "huge.prompty": `---\nname: huge\n---\nuser:\n${"a".repeat(1024 * 1024)}\n`,
    });
    const result = run(["big.prompty"]);
    expect(result.prompts.map((p) => p.id)).toEqual(["big"]);
    expect(promptFile("big").messages).toHaveLength(1);
    expect(run(["tag.prompty"]).skipped).toEqual(["tag.prompty"]);
    expectPromptOpsError(() => run(["huge.prompty"]), {
      code: "import-source-invalid",
      message: "is over 1 MiB",
      location: { file: "huge.prompty" },
    });
  });

  it("says where a front matter is broken, or missing", () => {
    const run = prompty({
      "bad.prompty": "---\nname: x\nmodel: [unclosed\n---\nuser:\nhi\n",
      "none.prompty": "user:\nhi\n",
    });
    expectPromptOpsError(() => run(["bad.prompty"]), {
      code: "import-source-invalid",
      exitCode: 1,
      location: { file: "bad.prompty", line: 4 },
    });
    expectPromptOpsError(() => run(["none.prompty"]), {
      code: "import-source-invalid",
      message: "no front matter",
      location: { file: "none.prompty", line: 1, col: 1 },
    });
  });
});

describe("import prompty carries over what means the same, and nothing else", () => {
  it("does not import a file whose roles only rendering decides, or that has a function message or a Jinja filter Nunjucks lacks", () => {
    const run = prompty({
      "block.prompty":
        "---\nname: block\n---\nsystem:\nHelp.\n{% if vip %}\nassistant:\nWelcome back!\n{% endif %}\nuser:\n{{q}}\n",
      "function.prompty": "---\nname: function\n---\nuser:\nhi\nfunction:\n{}\n",
      "filter.prompty": "---\nname: filter\n---\nuser:\nData: {{ data | tojson }}\n",
      "fine.prompty":
        "---\nname: fine\ntemplate: { format: jinja2, parser: prompty, strict: true }\n---\nUSER:\nhi\n",
      "empty.prompty": "---\nname: empty\n---\nsystem:\n\nuser:\nhi\n",
    });
    const result = run();
    expect(result.skipped).toEqual(["block.prompty", "function.prompty", "filter.prompty", "empty.prompty"]);
    expect(result.prompts.map((p) => p.id)).toEqual(["fine"]);
    expect(result.notCarried.map((n) => `${n.location.file}:${n.location.line}:${n.location.col}`)).toEqual([
      "block.prompty:6:13",
      "function.prompty:6:1",
      "filter.prompty:5:17",
      "fine.prompty:3:46",
      "empty.prompty:4:1",
    ]);
    expect(result.notCarried[3]!.message).toBe("not carried over: template setting strict: true");
    expect(result.notCarried[4]!.message).toBe(
      "not carried over: the system message is empty (Prompty refuses it); the file was not imported",
    );
    expect(result.notCarried[0]!.message).toMatch(
      /a \{% %\} block that spans role lines.*the file was not imported$/,
    );
    expect(result.notCarried[2]!.message).toMatch(/tojson/);
  });

  it("declares the variables the template reads, typed by the sample; an unused input is listed; defaults stay", () => {
    const run = prompty({
      "a.prompty": [
        "---",
        "inputs:",
        "  city: { type: string, description: Where, default: Oslo }",
        "  unused: { type: string }",
        "  days: 3",
        "sample:",
        "  items: [tent, stove]",
        "  extra: 1",
        "---",
        "system:",
        "Weather for {{ city }} over {{ days }} days.",
        "# user:",
        "{% for item in items %}{{ loop.index }}. {{ item }}{% if item is not none %}!{% endif %}{% endfor %}",
        "",
      ].join("\n"),
    });
    const result = run();
    const file = promptFile("a");
    expect(file.variables).toEqual({
      city: { type: "string", description: "Where", default: "Oslo" },
      days: { type: "number" },
      items: { type: "array" },
    });
    expect(file.messages[1].content).toBe(
      "{% for item in items %}{{ loop.index }}. {{ item }}{% if item is not null %}!{% endif %}{% endfor %}",
    );
    expect(file.tests).toEqual([{ name: "sample", vars: { days: 3, items: ["tent", "stove"] }, assert: [] }]);
    expect(notes(result)).toEqual([
      '4:3 dropped: not carried over: input "unused" (the template does not use it)',
      '8:3 dropped: not carried over: sample value "extra" (the template does not use it)',
    ]);
  });

  it("reads Prompty 1.x role arguments: the name becomes the message's name, anything else is listed", () => {
    const run = prompty({
      "a.prompty": '---\nname: a\n---\nuser[name="Ann", mood=happy]:\nHi.\nassistant:\nHello Ann.\n',
    });
    const result = run();
    expect(promptFile("a").messages).toEqual([
      { role: "user", content: "Hi.", name: "Ann" },
      { role: "assistant", content: "Hello Ann." },
    ]);
    expect(notes(result)).toEqual(["4:1 dropped: not carried over: the role argument mood=happy"]);
  });

  it("rewrites Jinja-only spellings in tag code only: text, string literals, comments and raw blocks stay", () => {
    const run = prompty({
      "a.prompty": [
        "---",
        "sample: { m: { a: 1 }, x: null }",
        "---",
        "user:",
        "Say 'x is none' {# x is none #}{% raw %}{% if x is none %}{% endraw %}",
        "{% for k, v in m.items() %}{{ k }}{{ v }}{% endfor %}{{ 'is none' if x is none else 'set' }}",
        "",
      ].join("\n"),
    });
    run();
    expect(promptFile("a").messages[0].content).toBe(
      "Say 'x is none' {# x is none #}{% raw %}{% if x is none %}{% endraw %}\n{% for k, v in m %}{{ k }}{{ v }}{% endfor %}{{ 'is none' if x is null else 'set' }}",
    );
  });

  it("keeps a sample's null as given, and lists a model configuration that leaves its type to prompty.json", () => {
    const run = prompty({
      "a.prompty":
        "---\nmodel:\n  configuration:\n    name: gpt-4o\nsample:\n  note: null\n---\nuser:\n{% if note is none %}No note.{% endif %}\n",
    });
    const result = run();
    const file = promptFile("a");
    expect(file.variables).toEqual({ note: {} });
    expect(file.tests[0].vars).toEqual({ note: null });
    expect(file.model).toBeUndefined();
    expect(notes(result)).toEqual([
      "4:5 dropped: not carried over: a configuration without a type (Prompty takes it from prompty.json, which the import does not read)",
    ]);
  });

  it("turns the chat-history loop into a placeholder, allowing system turns when the sample has them", () => {
    const run = prompty({
      "chat.prompty": [
        "---",
        "inputs:",
        "  history: { type: array, description: The conversation so far }",
        "sample:",
        "  history: [{ role: system, content: Be brief. }, { role: user, content: Hi }]",
        "  question: Why?",
        "---",
        "system:",
        "Help.",
        "",
        "{%- for turn in history %}",
        "{{ turn.role }}:",
        "{{ turn.content }}",
        "{% endfor -%}",
        "",
        "user:",
        "{{ question }}",
        "",
      ].join("\n"),
    });
    run();
    const file = promptFile("chat");
    expect(file.messages).toEqual([
      { role: "system", content: "Help." },
      { placeholder: "history" },
      { role: "user", content: "{{ question }}" },
    ]);
    expect(file.variables.history).toEqual({
      type: "messages",
      description: "The conversation so far",
      roles: ["system", "user", "assistant"],
    });
  });
});
