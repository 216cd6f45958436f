import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseHandlebars } from "@handlebars/parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { convertDotprompt } from "../../src/interop/dotprompt/convert-dotprompt.js";
import type { CompiledPrompt } from "../../src/prompt/prompt-file.js";
import { renderPrompt } from "../../src/prompt/render.js";

// dotprompt's own specification (spec/*.yaml: a template, its input, the messages dotprompt
// renders) is the oracle: each template is imported and rendered by promptops, and must give the
// same messages. Cases that use what the import lists as not carried over are named below.
const SPEC = join(import.meta.dirname, "../fixtures/dotprompt/spec");
const FILES = [
  "helpers/role",
  "helpers/history",
  "helpers/ifEquals",
  "helpers/unlessEquals",
  "helpers/json",
  "helpers/media",
  "variables",
  "whitespace",
  "unicode",
];

interface SpecData {
  input?: Record<string, unknown>;
  messages?: SpecMessage[];
}
interface SpecMessage {
  role: string;
  content: Array<{ text?: string; media?: { url: string; contentType?: string } }>;
  metadata?: Record<string, unknown>;
}
interface SpecSuite {
  name: string;
  template: string;
  data?: SpecData;
  tests: Array<{
    desc: string;
    data?: SpecData;
    /** Render-time metadata; input.default is merged under the input, as dotprompt's render does. */
    options?: { input?: { default?: Record<string, unknown> } };
    expect: { messages: SpecMessage[] };
  }>;
}

const ROLE: Record<string, string> = { model: "assistant", user: "user", system: "system" };

/** dotprompt's messages in the shape promptops renders: one text part is plain content. */
function promptopsMessages(messages: SpecMessage[]) {
  return messages.map((m) => {
    const parts = m.content.map((p) =>
      p.media ? { type: "image_url", image_url: { url: p.media.url } } : { type: "text", text: p.text },
    );
    return {
      role: ROLE[m.role],
      content: parts.length === 1 && parts[0]!.type === "text" ? parts[0]!.text : parts,
    };
  });
}

const cases = FILES.flatMap((file) =>
  (parse(readFileSync(join(SPEC, `${file}.yaml`), "utf8")) as SpecSuite[]).flatMap((suite) =>
    suite.tests.map((test) => ({ file, suite, test, name: `${file}: ${suite.name}: ${test.desc}` })),
  ),
);

function renderImported(suite: SpecSuite, data: SpecData) {
  const { prompt, notes } = convertDotprompt(`${suite.name}.prompt`, suite.template, "spec", parseHandlebars);
  const dropped = notes.filter((n) => n.kind === "dropped").map((n) => n.message);
  if (dropped.length > 0) return { skipped: dropped.join("; ") };
  const compiled = prompt as unknown as CompiledPrompt;
  const vars: Record<string, unknown> = { ...data.input };
  for (const [name, schema] of Object.entries(compiled.variables ?? {})) {
    if (name === "history") {
      vars.history = (data.messages ?? []).map((m) => ({
        role: ROLE[m.role],
        content: m.content.map((p) => p.text).join(""),
      }));
      continue;
    }
    // A template with no input.schema has its variables declared as strings, lists or maps by
    // the import (a guess the user reviews); here any value goes, and a missing one is empty.
    if (!("default" in schema)) compiled.variables![name] = {};
    if (!(name in vars)) vars[name] = schema.type === "array" ? [] : "";
  }
  return { messages: renderPrompt("spec", compiled, vars) };
}

// What the spec does that the import lists as not carried over, by spec file and case.
const WHOLE_INPUT = 'not carried over: "this" (the whole input) has no equivalent';
const CONTENT_TYPE = "not carried over: the media contentType (promptops image parts carry a URL only)";
const NOT_CARRIED: Record<string, string> = {
  "helpers/json: basic": WHOLE_INPUT,
  "helpers/json: indented": WHOLE_INPUT,
  "helpers/json: indented_4_spaces": WHOLE_INPUT,
  "helpers/json: nested_objects": WHOLE_INPUT,
  "helpers/json: arrays": WHOLE_INPUT,
  "helpers/json: empty_values": WHOLE_INPUT,
  "helpers/media: basic": CONTENT_TYPE,
  "helpers/media: content_types": CONTENT_TYPE,
};

describe("dotprompt's own spec cases, imported and rendered by promptops", () => {
  it.each(cases)("$name", ({ file, suite, test }) => {
    const data: SpecData = { ...suite.data, ...test.data };
    data.input = { ...test.options?.input?.default, ...data.input };
    if (data.messages && !suite.template.includes("{{history}}"))
      // dotprompt inserts history a template does not place itself before the last user message.
      return expect(NOT_CARRIED[`${file}: ${suite.name}`] ?? "implicit history").toBe("implicit history");
    const result = renderImported(suite, data);
    if ("skipped" in result) return expect(NOT_CARRIED[`${file}: ${suite.name}`]).toBe(result.skipped);
    expect(NOT_CARRIED[`${file}: ${suite.name}`]).toBeUndefined();
    expect(result.messages).toEqual(promptopsMessages(test.expect.messages));
  });
});
