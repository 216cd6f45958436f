import { createHash } from "node:crypto";
import { join } from "node:path";
import nunjucks from "nunjucks";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { discoverPromptFiles } from "../../src/prompt/discover.js";
import { canonicalJson, hashCompiledPrompt } from "../../src/prompt/hash.js";
import { inlinePartials } from "../../src/prompt/inline-partials.js";
import { PartialStore } from "../../src/prompt/partials.js";
import { checkPrompts } from "../../src/prompt/prompt-project.js";
import { renderTemplate } from "../../src/prompt/render.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

let project: ProjectDir | undefined;
afterEach(() => project?.cleanup());

function hashOf(files: Record<string, string>, id = "a"): string {
  project?.cleanup();
  project = makeProjectDir(files);
  const { config } = loadConfig(project.root);
  const refs = discoverPromptFiles(config.promptsDir).filter((r) => r.id === id);
  const [checked] = checkPrompts(config, refs).prompts;
  if (!checked?.result) throw new Error(JSON.stringify(checked?.diagnostics));
  return checked.result.hash;
}

const base = `description: first
owners: ["@a"]
model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2 } }
variables:
  q: { type: string }
messages:
  - role: system
    content: |
      Rules.
      {% include "partials/p.njk" %}
  - role: user
    content: "{{ q }}"
tests:
  - name: t
    vars: { q: hi }
    assert: [{ contains: hi }]
`;

describe("canonical JSON", () => {
  it("sorts keys at every depth, drops undefined members and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, é: "x" })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"é":"x"}',
    );
  });

  it("hashes the canonical form with a sha256: prefix", () => {
    const compiled = { messages: [{ role: "user" as const, content: "hi" }] };
    const expected = createHash("sha256")
      .update('{"messages":[{"content":"hi","role":"user"}]}')
      .digest("hex");
    expect(hashCompiledPrompt(compiled)).toBe(`sha256:${expected}`);
  });
});

describe("version hash", () => {
  it("ignores description, owners and tests, which are not versioned content", () => {
    const files = { "prompts/partials/p.njk": "Be kind.\n", "prompts/a.prompt.yaml": base };
    const before = hashOf(files);
    const edited = base
      .replace("description: first", "description: second")
      .replace('["@a"]', '["@b"]')
      .replace("contains: hi", "contains: hello");
    expect(hashOf({ ...files, "prompts/a.prompt.yaml": edited })).toBe(before);
  });

  it("changes when a partial the prompt includes changes", () => {
    const before = hashOf({ "prompts/partials/p.njk": "Be kind.\n", "prompts/a.prompt.yaml": base });
    const after = hashOf({ "prompts/partials/p.njk": "Be very kind.\n", "prompts/a.prompt.yaml": base });
    expect(after).not.toBe(before);
  });

  it("changes when a model parameter changes", () => {
    const files = { "prompts/partials/p.njk": "Be kind.\n", "prompts/a.prompt.yaml": base };
    const before = hashOf(files);
    const after = hashOf({
      ...files,
      "prompts/a.prompt.yaml": base.replace("temperature: 0.2", "temperature: 0.3"),
    });
    expect(after).not.toBe(before);
  });

  it("does not depend on key order or YAML style in the file", () => {
    const files = { "prompts/partials/p.njk": "Be kind.\n", "prompts/a.prompt.yaml": base };
    const before = hashOf(files);
    const restyled = base.replace(
      "model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2 } }",
      "model:\n  params:\n    temperature: 0.2\n  name: gpt-4o-mini\n  provider: openai",
    );
    expect(hashOf({ ...files, "prompts/a.prompt.yaml": restyled })).toBe(before);
  });
});

describe("inlining partials renders exactly what Nunjucks' own include renders", () => {
  const partials: Record<string, string> = {
    "partials/tone.njk": "  Be kind to {{ name }}.\n",
    "partials/nested.njk": "[{% include 'partials/tone.njk' %}]",
    "partials/loop.njk": "{% for i in items %}{{ i }},{% endfor %}",
  };
  const templates = [
    "A {% include 'partials/tone.njk' %} B",
    "A\n  {%- include 'partials/tone.njk' -%}\n  B",
    "A {%- include 'partials/nested.njk' %}B",
    "{% raw %}{% include 'partials/tone.njk' %}{% endraw %} {% include \"partials/loop.njk\" %}",
    "{% if name %}{% include 'partials/tone.njk' -%}   {% endif %}!",
  ];

  it.each(templates)("%j", (template) => {
    project = makeProjectDir(
      Object.fromEntries(Object.entries(partials).map(([k, v]) => [join("prompts", k), v])),
    );
    const promptsDir = join(project.root, "prompts");
    const context = { name: "Ann", items: [1, 2] };
    const reference = new nunjucks.Environment(new nunjucks.FileSystemLoader(promptsDir), {
      autoescape: false,
      throwOnUndefined: true,
    }).renderString(template, context);
    const inlined = inlinePartials(template, new PartialStore(promptsDir));
    // renderTemplate's environment has no loader: it can only succeed if every include was inlined.
    expect(renderTemplate(inlined.text, context)).toBe(reference);
  });
});
