import { execFile } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaToTs } from "../../src/typegen/schema-to-ts.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

describe("JSON Schema to TypeScript", () => {
  it.each([
    [{ type: "string" }, "string"],
    [{ type: "integer" }, "number"],
    [{ enum: ["a", "b"] }, '"a" | "b"'],
    [{ type: ["string", "null"] }, "string | null"],
    [{ type: "array", items: { type: "number" } }, "number[]"],
    [{ type: "messages" }, 'Array<ChatMessage & { role: "user" | "assistant" }>'],
    [{ type: "messages", roles: ["system", "user", "assistant"] }, "ChatMessage[]"],
    [
      { type: "array", items: { $ref: "#/$defs/message" }, roles: ["user"] },
      'Array<ChatMessage & { role: "user" }>',
    ],
    [
      {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
        additionalProperties: false,
      },
      "{\n  name: string;\n}",
    ],
    [{ type: "object", properties: { "two words": { type: "boolean" } } }, '{\n  "two words"?: boolean;\n}'],
    [{ not: { type: "string" } }, "unknown"],
  ])("%j -> %s", (schema, expected) => {
    expect(schemaToTs(schema)).toBe(expected);
  });
});

function typecheck(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe("promptops types makes a misspelt variable a compile error in the application", () => {
  let project: ProjectDir;
  beforeAll(async () => {
    project = makeProjectDir({
      "prompts/support-agent.prompt.yaml": `variables:
  userMessage: { type: string }
  tone: { type: string, enum: [warm, formal], default: warm }
messages:
  - role: user
    content: "{{ tone }} {{ userMessage }}"
`,
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          noEmit: true,
          types: [],
          skipLibCheck: true,
        },
        include: ["*.ts"],
      }),
      "package.json": '{ "type": "module" }',
    });
    mkdirSync(join(project.root, "node_modules"));
    symlinkSync(repoRoot, join(project.root, "node_modules", "promptops"), "dir");
    const result = await runCli(["types", "--drafts"], { cwd: project.root });
    expect(result.code).toBe(0);
  });
  afterAll(() => project.cleanup());

  it("accepts the declared variables, with defaulted ones optional", async () => {
    writeFileSync(
      join(project.root, "app.ts"),
      `import { loadPrompts } from "promptops";
const prompts = await loadPrompts({ lockfile: "promptops.lock", env: "production" });
prompts.messages("support-agent", { userMessage: "hi" });
prompts.messages("support-agent", { userMessage: "hi", tone: "formal" });
`,
    );
    const result = await typecheck(project.root);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("rejects a misspelt variable, a wrong enum value and an unknown prompt id", async () => {
    writeFileSync(
      join(project.root, "app.ts"),
      `import { loadPrompts } from "promptops";
const prompts = await loadPrompts({ lockfile: "promptops.lock", env: "production" });
prompts.messages("support-agent", { userMessag: "hi" });
prompts.messages("support-agent", { userMessage: "hi", tone: "angry" });
prompts.messages("support-agnet", { userMessage: "hi" });
`,
    );
    const result = await typecheck(project.root);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("userMessag");
    expect(result.output).toContain('"angry"');
    expect(result.output).toContain('"support-agnet"');
  });
});
