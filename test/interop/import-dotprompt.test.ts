import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseHandlebars } from "@handlebars/parser";
import { describe, expect, it } from "vitest";
import { convertDotprompt } from "../../src/interop/dotprompt/convert-dotprompt.js";
import { importDotprompt } from "../../src/interop/dotprompt/import-dotprompt.js";
import type { CompiledPrompt } from "../../src/prompt/prompt-file.js";
import { renderPrompt } from "../../src/prompt/render.js";
import { expectPromptOpsError, expectPromptOpsRejection } from "../helpers/expect-error.js";

// The Handlebars dotprompt accepts, turned into Nunjucks that renders the same text. Each case
// gives the template, the Nunjucks the import writes, and what Handlebars renders for the input
// (worked out from Handlebars' rules: #each and #with change the context, ../ and @root reach
// out of it, an empty list and 0 are false to #if, missing values print nothing).
const convert = (text: string) => convertDotprompt("t.prompt", text, "t", parseHandlebars);

function renderText(text: string, vars: Record<string, unknown>): string {
  const { prompt } = convert(text);
  const messages = renderPrompt("t", prompt as unknown as CompiledPrompt, vars);
  return messages.map((m) => m.content).join("|");
}

const cases: Array<{
  name: string;
  template: string;
  nunjucks: string;
  vars: Record<string, unknown>;
  renders: string;
}> = [
  {
    name: "#each over objects with ../ and @root reaching out, @key and else",
    template:
      "---\ninput:\n  schema:\n    shop: string\n    stock(object):\n      (*): integer\n---\n{{#each stock}}{{@key}}={{this}} at {{../shop}}/{{@root.shop}};{{else}}none{{/each}}",
    nunjucks:
      "{% for key, item in stock %}{{ key }}={{ item }} at {{ shop }}/{{ shop }};{% else %}none{% endfor %}",
    vars: { shop: "Oslo", stock: { mugs: 3, lamps: 0 } },
    renders: "mugs=3 at Oslo/Oslo;lamps=0 at Oslo/Oslo;",
  },
  {
    name: "nested #each with block parameters and @index",
    template:
      "---\ninput:\n  schema:\n    groups(array):\n      name: string\n      people(array): string\n---\n{{#each groups as |group g|}}{{g}}:{{group.name}}[{{#each group.people}}{{@index}}{{this}}{{/each}}]{{/each}}",
    nunjucks:
      "{% for group in groups %}{{ loop.index0 }}:{{ group.name }}[{% for item in group.people %}{{ loop.index0 }}{{ item }}{% endfor %}]{% endfor %}",
    vars: {
      groups: [
        { name: "a", people: ["x", "y"] },
        { name: "b", people: [] },
      ],
    },
    renders: "0:a[0x1y]1:b[]",
  },
  {
    name: "#with changes the context and has an else; 0 is false to #if",
    template:
      "---\ninput:\n  schema:\n    customer?(object):\n      name: string\n      orders: integer\n---\n{{#with customer}}{{name}}{{#if orders}} ({{orders}}){{else}} (none){{/if}}{{else}}anonymous{{/with}}",
    nunjucks:
      "{% if customer %}{{ customer.name }}{% if customer.orders %} ({{ customer.orders }}){% else %} (none){% endif %}{% else %}anonymous{% endif %}",
    vars: { customer: { name: "Ann", orders: 0 } },
    renders: "Ann (none)",
  },
  {
    name: "an optional variable left out, or a property that is absent, prints nothing, as in Handlebars; else if chains",
    template:
      "---\ninput:\n  schema:\n    tone?: string\n    level?: integer\n    user(object):\n      name: string\n      nick?: string\n---\nTone:{{tone}}.Level:{{level}}.{{user.nick}}{{#if level}}L{{level}}{{else if tone}}T{{else}}none{{/if}}",
    nunjucks:
      'Tone:{{ tone if tone != none else "" }}.Level:{{ level if level != none else "" }}.{{ user.nick if user.nick != none else "" }}{% if level %}L{{ level if level != none else "" }}{% else %}{% if tone %}T{% else %}none{% endif %}{% endif %}',
    vars: { user: { name: "Ann" } },
    renders: "Tone:.Level:.none",
  },
  {
    name: "text that looks like Nunjucks stays text; escaped Handlebars stays literal",
    template: "---\ninput:\n  schema:\n    x: string\n---\n{% raw %} {#a#} \\{{x}} {{x}}",
    nunjucks: '{{ "{% raw %}" }}{% raw %} {#a#} {% endraw %}{% raw %}{{x}} {% endraw %}{{ x }}',
    vars: { x: "1" },
    renders: "{% raw %} {#a#} {{x}} 1",
  },
];

describe("import dotprompt: Handlebars to Nunjucks with the same output", () => {
  it.each(cases)("$name", ({ template, nunjucks, vars, renders }) => {
    const { prompt, notes } = convert(template);
    expect(notes).toEqual([]);
    expect((prompt.messages as Array<{ content: string }>).map((m) => m.content)).toEqual([nunjucks]);
    expect(renderText(template, vars)).toBe(renders);
  });
});

describe("import dotprompt treats the template as untrusted data", () => {
  it("reads a .prompt file as prompty does its files: not a link out of its folder, not a FIFO; nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promptops-dotprompt-"));
    try {
      mkdirSync(join(dir, "p"));
      writeFileSync(join(dir, "secret.txt"), "SECRET");
      symlinkSync(join(dir, "secret.txt"), join(dir, "p/linked.prompt"));
      execFileSync("mkfifo", [join(dir, "p/pipe.prompt")]);
      const run = (file: string) => importDotprompt({ cwd: dir, files: [file], outDir: "out", force: false });
      await expectPromptOpsRejection(run("p/linked.prompt"), {
        code: "import-source-unreadable",
        message: /^p\/linked\.prompt is a link to a file outside its folder: not read$/,
        location: { file: "p/linked.prompt" },
      });
      await expectPromptOpsRejection(run("p/pipe.prompt"), {
        code: "import-source-unreadable",
        message: /^p\/pipe\.prompt is not a regular file/,
      });
      await expectPromptOpsRejection(run("p/none.prompt"), {
        code: "import-source-unreadable",
        message: "p/none.prompt is gone or a link to nothing",
      });
      expect(existsSync(join(dir, "out"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists helpers, partials and subexpressions it cannot carry, each at its place, and never runs them", () => {
    const { prompt, notes } = convert(
      "---\nmodel: openai/gpt-4o\n---\n{{role \"system\"}}Hi {{uppercase name}}\n{{> footer}}{{#custom x}}y{{/custom}}\n{{#if (eq a b)}}z{{/if}}{{lookup . 'constructor'}}",
    );
    expect(notes.map((n) => `${n.location.line}:${n.location.col} ${n.message}`)).toEqual([
      '4:21 not carried over: the helper "uppercase" (no promptops equivalent)',
      "5:1 not carried over: the partial {{> footer}} (dotprompt resolves partials in the application)",
      "5:13 not carried over: the block helper {{#custom}} (no promptops equivalent)",
      "6:7 not carried over: a subexpression (a helper call inside a tag)",
      '6:25 not carried over: the helper "lookup" (no promptops equivalent)',
    ]);
    expect(prompt.messages).toEqual([{ role: "system", content: "Hi \n\n" }]);
  });

  it("refuses blocks nested thousands deep at once, where the Handlebars parser would take minutes", () => {
    const deep = `---\nmodel: openai/gpt-4o\n---\n${"{{#if a}}".repeat(5000)}x${"{{/if}}".repeat(5000)}`;
    expectPromptOpsError(() => convert(deep), {
      code: "import-source-invalid",
      message: "blocks nested deeper than 100 levels",
      location: { file: "t.prompt", line: 4, col: 901 },
    });
  });

  it("refuses a role inside a block, and a front matter that is not YAML, with their places", () => {
    expectPromptOpsError(() => convert('{{#each turns}}{{role "user"}}{{this}}{{/each}}'), {
      code: "import-source-invalid",
      exitCode: 1,
      location: { file: "t.prompt", line: 1, col: 16 },
    });
    expectPromptOpsError(() => convert("# header\n---\nmodel: [unclosed\n---\nHi"), {
      code: "import-source-invalid",
      exitCode: 1,
      location: { file: "t.prompt", line: 3, col: 17 },
    });
  });
});
