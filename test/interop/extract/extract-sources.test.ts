import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PromptOpsError } from "../../../src/errors.js";
import { extractPrompts } from "../../../src/interop/extract/extract-prompts.js";
import { loadTypeScript } from "../../../src/interop/extract/load-typescript.js";

// What extract does with code beyond the fixture apps: values it cannot prove, calls it must leave
// alone whole, clients known only by their type, and source files that are hostile or broken.
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "promptops-extract-")));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const extract = (cwd: string, paths = ["src"]) => extractPrompts({ cwd, paths, force: false });

const OPENAI = 'import OpenAI from "openai";\nconst openai = new OpenAI();\n';

describe("extract, on code beyond the fixture apps", () => {
  it("lists a value that may be undefined, or an object written as text, as a rewrite blocker with the prompt still written", async () => {
    const cwd = project({
      "src/greet.ts": `${OPENAI}
interface User { name?: string; address: { city: string } }
export async function greet(user: User, count: number) {
  return openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: \`Hi \${user.name}, \${count} orders to \${user.address}\` }],
  });
}
`,
    });
    const run = await extract(cwd);
    expect(run.prompts).toHaveLength(1);
    const [prompt] = run.prompts;
    expect(prompt!.variables.map((v) => [v.name, v.type])).toEqual([
      ["userName", undefined],
      ["count", "number"],
      ["userAddress", undefined],
    ]);
    expect(prompt!.rewriteBlockers).toEqual([
      '`user.name` may be null or undefined (type string | undefined): the code would send "undefined" or "null", the prompt refuses a missing value',
      "`user.address` is not text, a number or a boolean (type { city: string; }): the prompt would not write it as JavaScript does",
    ]);
    expect(run.renderFailures).toBe(0);
    expect(run.written).toHaveLength(1);
  });

  it("passes an untyped value written into text as String(value), the text the code wrote, and declares a whole untyped content a string", async () => {
    const cwd = project({
      "src/greet.js": `${OPENAI}
export async function greet(user, note) {
  return openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "system", content: note }, { role: "user", content: \`Hi \${user.name}\` }],
  });
}
`,
    });
    const run = await extract(cwd);
    expect(run.prompts[0]!.variables).toEqual([
      { name: "note", expression: "note", type: "string" },
      { name: "userName", expression: "user.name", type: "string", asText: true },
    ]);
    expect(run.prompts[0]!.rewriteBlockers).toEqual([]);
  });

  it("lists a value read by a local constant and assigned again before the call as a rewrite blocker", async () => {
    const cwd = project({
      "src/greet.ts": `${OPENAI}
export async function greet(name: string, city: string) {
  const question = \`\${name} from \${city} asks\`;
  name = name.toUpperCase();
  return openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: question }] });
}
`,
    });
    const [prompt] = (await extract(cwd)).prompts;
    expect(prompt!.messages).toEqual([{ role: "user", content: "{{ name }} from {{ city }} asks" }]);
    expect(prompt!.rewriteBlockers).toEqual([
      "`name` is read where `question` is made, and assigned again (line 6): at the call it may hold another value",
    ]);
  });

  it("leaves a call alone whole when part of its prompt is not a template: a spread of a parameter, a spread request, content parts, a choice, a pushed-to array", async () => {
    const cwd = project({
      "src/chat.ts": `${OPENAI}
type M = { role: "user" | "assistant"; content: string };
export async function withHistory(history: M[], question: string) {
  return openai.chat.completions.create({ model: "m", messages: [...history, { role: "user", content: question }] });
}
const base = { model: "m" };
export async function spreadRequest(question: string) {
  return openai.chat.completions.create({ ...base, messages: [{ role: "user", content: question }] });
}
export async function parts(url: string) {
  return openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }] });
}
export async function conditional(formal: boolean) {
  return openai.chat.completions.create({ model: "m", messages: [{ role: "system", content: formal ? "Be formal." : "Be casual." }] });
}
export async function viaConstant(language: string) {
  const system = buildSystemPrompt(language);
  return openai.chat.completions.create({ model: \`gpt-\${language}\`, messages: [{ role: "system", content: system }] });
}
declare function buildSystemPrompt(language: string): string;
export async function pushed(question: string) {
  const messages: M[] = [{ role: "assistant", content: "Hello!" }];
  messages.push({ role: "user", content: question });
  return openai.chat.completions.create({ model: "m", messages });
}
`,
    });
    const run = await extract(cwd);
    expect(run.prompts).toEqual([]);
    expect(run.written).toEqual([]);
    expect(run.notExtracted.map((n) => [n.functionName, n.at.line, n.reason])).toEqual([
      ["withHistory", 6, "the messages spread `history` (line 6), which is not a constant array"],
      [
        "spreadRequest",
        10,
        "the request has `...base` (line 10): which settings it holds is known only at run time",
      ],
      ["parts", 13, "message 1 (line 13) has a list of content parts: extract takes text content"],
      [
        "conditional",
        16,
        'the content of message 1 is computed at run time (line 16: formal ? "Be formal." : "Be casual.")',
      ],
      ["viaConstant", 19, "the content of message 1 is the result of buildSystemPrompt() (line 19)"],
      [
        "pushed",
        25,
        '`messages` may be changed before the call: `messages.push({ role: "user", content: question })` (line 25)',
      ],
    ]);
  });

  it("inlines another file's constant only when it is literal text", async () => {
    const cwd = project({
      "src/voice.ts":
        'export const TONE = "Be kind.";\nexport const STAMP = `Today is $' +
        "{new Date().toDateString()}.`;\n",
      "src/a.ts": `${OPENAI}import { STAMP, TONE } from "./voice.js";
export async function a(q: string) {
  return openai.chat.completions.create({ model: "m", messages: [{ role: "system", content: \`\${TONE} \${STAMP}\` }, { role: "user", content: q }] });
}
export async function b(q: string) {
  return openai.chat.completions.create({ model: "m", messages: [{ role: "system", content: TONE }, { role: "user", content: q }] });
}
`,
    });
    const run = await extract(cwd);
    expect(run.notExtracted.map((n) => n.reason)).toEqual([
      "`new Date().toDateString()` (line 2) is part of a constant that is not literal text: only literal constants are inlined from other files and module scope",
    ]);
    expect(run.prompts.map((p) => [p.functionName, p.messages[0]!.content])).toEqual([["b", "Be kind."]]);
  });

  it("knows a client by its type when the SDK's types resolve, and ignores a look-alike that is not an SDK client", async () => {
    const cwd = project({
      "node_modules/openai/package.json": '{ "name": "openai", "types": "index.d.ts" }',
      "node_modules/openai/index.d.ts": `export default class OpenAI {
  chat: { completions: { create(request: { model: string; messages: Array<{ role: string; content: string }> }): Promise<unknown> } };
}
`,
      "src/factory.ts": `import OpenAI from "openai";
import { lookAlike } from "./look-alike.js";
declare function makeClient(): OpenAI;
const client = makeClient();
export async function viaFactory(q: string) {
  return client.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });
}
export async function notTheSdk(q: string) {
  return lookAlike.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });
}
`,
      "src/look-alike.ts": `export const lookAlike = { chat: { completions: { create: async (r: unknown) => r } } };\n`,
    });
    const run = await extract(cwd);
    expect(run.prompts.map((p) => p.functionName)).toEqual(["viaFactory"]);
    expect(run.notExtracted).toEqual([]);
  });

  it("follows a client made in another module and imported, by name or as its default export", async () => {
    const cwd = project({
      "src/clients.ts": `import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
export const openai = new OpenAI();
export default new Anthropic();
`,
      "src/use.ts": `import claude, { openai } from "./clients.js";
export async function ask(q: string) {
  return openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });
}
export async function askClaude(q: string) {
  return claude.messages.create({ model: "c", max_tokens: 10, messages: [{ role: "user", content: q }] });
}
`,
    });
    const run = await extract(cwd);
    expect(run.prompts.map((p) => [p.functionName, p.shape])).toEqual([
      ["ask", "openai-chat"],
      ["askClaude", "anthropic-messages"],
    ]);
  });

  it("skips a source file with a syntax error, one too large and one nested too deeply, each listed with where and why, and extracts the rest", async () => {
    const deep = `export const x = ${"[".repeat(50_000)}${"]".repeat(50_000)};\n`;
    const cwd = project({
      "src/ok.ts": `${OPENAI}export async function ok(q: string) {\n  return openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });\n}\n`,
      "src/broken.ts": "export function f( {\n  return 1;\n}\n",
      "src/deep.js": deep,
      "src/deeper-than-500.js": `export const y = ${"[".repeat(600)}${"]".repeat(600)};\n`,
      "src/huge.js": `// ${"x".repeat(3 * 1024 * 1024)}\n`,
    });
    const started = Date.now();
    const run = await extract(cwd);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.prompts.map((p) => p.functionName)).toEqual(["ok"]);
    expect(run.skippedFiles.map((s) => [s.file.slice(cwd.length + 1), s.line, s.col, s.reason])).toEqual([
      ["src/broken.ts", 2, 10, "syntax error: ':' expected"],
      ["src/deep.js", 1, 1, "nested too deeply to parse"],
      ["src/deeper-than-500.js", 1, 515, "nested more than 500 levels deep"],
      ["src/huge.js", 1, 1, "larger than 2 MiB"],
    ]);
  });

  it("skips a named source path that is not a regular file (a FIFO would block the read for ever, a folder link cannot be read) and extracts the rest", async () => {
    const cwd = project({
      "src/ok.ts": `${OPENAI}export async function ok(q: string) {\n  return openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });\n}\n`,
      "lib/keep.txt": "",
    });
    execFileSync("mkfifo", [join(cwd, "src/pipe.ts")]);
    symlinkSync(join(cwd, "lib"), join(cwd, "src/folder.ts"));
    const run = await extract(cwd, ["src", "src/pipe.ts", "src/folder.ts"]);
    expect(run.prompts.map((p) => p.functionName)).toEqual(["ok"]);
    expect(run.skippedFiles.map((s) => [s.file.slice(cwd.length + 1), s.reason])).toEqual([
      ["src/folder.ts", "not a regular file"],
      ["src/pipe.ts", "not a regular file"],
    ]);
  });

  it("without a TypeScript compiler API installed, is a usage error saying what to install", async () => {
    const error = await loadTypeScript(project({}), ["no-such-typescript-package"]).catch((e) => e);
    expect(error).toBeInstanceOf(PromptOpsError);
    expect(error.code).toBe("extract-typescript-missing");
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain("npm install -D @typescript/typescript6");
  });
});
