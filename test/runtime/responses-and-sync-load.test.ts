import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts, loadPromptsSync } from "../../src/runtime/index.js";
import { expectPromptOpsError, expectPromptOpsRejection } from "../helpers/expect-error.js";
import { buildLockfile, makeTempDir, type TempDir } from "../lockfile/lockfile-fixtures.js";

let dir: TempDir;
let lockfile: string;
beforeEach(() => {
  dir = makeTempDir("promptops-responses-");
  lockfile = dir.path("promptops.lock");
  const content = buildLockfile({
    production: {
      "support-agent": 3,
      classify: {
        version: 1,
        content: {
          model: { provider: "openai", name: "gpt-4o-mini" },
          variables: { text: { type: "string" } },
          messages: [
            { role: "system", content: "Classify the message." },
            { role: "user", content: "Message: {{ text }}" },
          ],
        },
      },
      "few-shot": {
        version: 1,
        content: {
          messages: [
            { role: "user", content: "Your refund is denied." },
            { role: "assistant", content: "Sorry, here is what we can do." },
            { role: "user", content: "No." },
          ],
        },
      },
    },
  });
  writeFileSync(lockfile, serializeLockfile(content));
});
afterEach(() => dir.cleanup());

describe("prompts.responses renders for openai.responses.create({ instructions, input })", () => {
  it("puts the system prompt in instructions and a lone user message as the plain input string", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    const request = prompts.responses("classify", { text: "wrong VAT" });
    expect(request).toEqual({ instructions: "Classify the message.", input: "Message: wrong VAT" });
    // The key order is the order the SDK serialises: the request bytes depend on it.
    expect(Object.keys(request)).toEqual(["instructions", "input"]);
  });

  it("names the call the app made when a variable is missing", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    const error = expectPromptOpsError(() => prompts.responses("classify", {} as never));
    expect(error.hint).toContain('prompts.responses("classify", { text: … })');
  });

  it("sends a conversation as a list of messages, and no instructions key without a system prompt", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    expect(prompts.responses("few-shot")).toStrictEqual({
      input: [
        { role: "user", content: "Your refund is denied." },
        { role: "assistant", content: "Sorry, here is what we can do." },
        { role: "user", content: "No." },
      ],
    });
  });
});

describe("loadPromptsSync: a CommonJS module's registry, without top-level await", () => {
  it("serves what loadPrompts serves", async () => {
    const vars = { userMessage: "Refund?", customer: { name: "Ann", plan: "pro" } };
    const sync = loadPromptsSync({ lockfile, env: "production" });
    const async = await loadPrompts({ lockfile, env: "production" });
    expect(sync.messages("support-agent", vars)).toEqual(async.messages("support-agent", vars));
    expect(sync.anthropic("support-agent", vars)).toEqual(async.anthropic("support-agent", vars));
    expect(sync.ids()).toEqual(["classify", "few-shot", "support-agent"]);
    expect(sync.get("support-agent").version).toBe(3);
  });

  it("goes through the same gate: a missing environment, an unexpected lockfile, a FIFO are refused", () => {
    expectPromptOpsError(() => loadPromptsSync({ lockfile, env: "prod" }), {
      code: "unknown-environment",
    });
    expectPromptOpsError(
      () => loadPromptsSync({ lockfile, env: "production", expectedPrompts: ["refund-policy"] }),
      { code: "lockfile-wrong-project" },
    );
    expectPromptOpsError(() => loadPromptsSync({ lockfile: dir.path("none.lock"), env: "production" }), {
      code: "lockfile-not-found",
    });
    const fifo = dir.path("fifo.lock");
    execFileSync("mkfifo", [fifo]);
    expectPromptOpsError(() => loadPromptsSync({ lockfile: fifo, env: "production" }), {
      code: "lockfile-not-a-file",
    });
  });

  it("refuses, in a JavaScript app, what only loadPrompts can do and missing options, instead of ignoring them", async () => {
    // Options as a CommonJS app without types passes them.
    const untyped = loadPromptsSync as (options?: unknown) => unknown;
    for (const [key, value] of [
      ["watch", true],
      ["observe", { file: dir.path("calls.jsonl") }],
      ["onReload", () => undefined],
    ] as const) {
      expectPromptOpsError(() => untyped({ lockfile, env: "production", [key]: value }), {
        code: "runtime-options-invalid",
        message: `loadPromptsSync does not take \`${key}\`: it reads the lockfile once and never again`,
      });
    }
    expect(untyped({ lockfile, env: "production", watch: false })).toBeDefined();
    expectPromptOpsError(() => untyped(), {
      code: "runtime-options-invalid",
      message: "loadPromptsSync needs its options: { lockfile, env }",
    });
    await expectPromptOpsRejection((loadPrompts as (options?: unknown) => Promise<unknown>)(), {
      code: "runtime-options-invalid",
      message: "loadPrompts needs its options: { lockfile, env }",
    });
  });

  it("refuses a tampered lockfile", () => {
    writeFileSync(
      lockfile,
      serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })).replace("v3", "v9"),
    );
    expectPromptOpsError(() => loadPromptsSync({ lockfile, env: "production" }), {
      code: "lockfile-invalid",
      message: /tampered with/,
    });
  });
});
