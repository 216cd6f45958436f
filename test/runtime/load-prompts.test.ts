import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts } from "../../src/runtime/index.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { buildLockfile, makeTempDir, supportAgent, type TempDir } from "../lockfile/lockfile-fixtures.js";

let dir: TempDir;
let lockfile: string;
beforeEach(() => {
  dir = makeTempDir("promptops-runtime-");
  lockfile = dir.path("promptops.lock");
  const content = buildLockfile({
    production: {
      "support-agent": 3,
      "triage/classify": {
        version: 1,
        content: {
          model: { provider: "anthropic", name: "claude-haiku-4-5" },
          variables: { ticket: { type: "string" } },
          messages: [{ role: "user", content: [{ type: "text", text: "Classify: {{ ticket }}" }] }],
          response_format: { type: "json_object" },
        },
      },
    },
    staging: { "support-agent": 4 },
  });
  writeFileSync(lockfile, serializeLockfile(content));
});
afterEach(() => dir.cleanup());

const vars = { userMessage: "Can I get a refund?", customer: { name: "Ann", plan: "pro" } };

describe("loadPrompts serves an environment's active versions from the lockfile", () => {
  it("renders OpenAI chat messages", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    expect(prompts.messages("support-agent", vars)).toEqual([
      { role: "system", content: "You are Ava (prompt v3), talking to Ann.\nPoint to status.acme.cloud." },
      { role: "user", content: "Can I get a refund?" },
    ]);
    const history = [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
    ];
    expect(prompts.messages("support-agent", { ...vars, history }).map((m) => m.content)).toEqual([
      expect.stringContaining("v3"),
      "Hi",
      "Hello!",
      "Can I get a refund?",
    ]);
  });

  it("renders the Anthropic shape: system prompts in `system`, content parts as blocks", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    const enterprise = { ...vars, customer: { name: "Kenji", plan: "enterprise" } };
    expect(prompts.anthropic("support-agent", enterprise)).toEqual({
      system: "You are Ava (prompt v3), talking to Kenji.\nOffer their account manager.",
      messages: [{ role: "user", content: "Can I get a refund?" }],
    });
    expect(prompts.anthropic("triage/classify", { ticket: "502s" })).toEqual({
      messages: [{ role: "user", content: [{ type: "text", text: "Classify: 502s" }] }],
    });
  });

  it("serves the environment asked for", async () => {
    const staging = await loadPrompts({ lockfile, env: "staging" });
    expect(staging.ids()).toEqual(["support-agent"]);
    expect(staging.messages("support-agent", vars)[0]!.content).toContain("prompt v4");
  });

  it("describes each prompt: version, hash, model and its parameters, response format, variables", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    expect(prompts.ids()).toEqual(["support-agent", "triage/classify"]);
    const info = prompts.get("support-agent");
    expect(info).toEqual({
      id: "support-agent",
      version: 3,
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      provider: "openai",
      model: "gpt-4o-mini",
      params: { temperature: 0.2, max_tokens: 400 },
      response_format: undefined,
      tools: undefined,
      variables: supportAgent(3).variables,
    });
    expect(prompts.get("triage/classify")).toMatchObject({
      model: "claude-haiku-4-5",
      params: {},
      response_format: { type: "json_object" },
    });
    // What is served cannot be changed by one caller for every later one.
    expect(() => {
      (info.params as Record<string, unknown>).temperature = 2;
    }).toThrow(TypeError);
  });

  it("refuses invalid variables before rendering, naming the variable", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    const refuse = (given: Record<string, unknown>) =>
      expectPromptOpsError(() => prompts.messages("support-agent", given)).message;
    expect(refuse({ ...vars, customer: { name: "Ann", plan: "gold" } })).toMatch(
      /variable customer\.plan must be equal to one of the allowed values: free, pro, enterprise/,
    );
    expect(refuse({ customer: vars.customer })).toBe('support-agent: missing variable "userMessage"');
    expect(refuse({ ...vars, userMessage: "" })).toMatch(
      /variable userMessage must NOT have fewer than 1 characters/,
    );
    expect(refuse({ ...vars, extra: 1 })).toMatch(/unknown variable "extra"/);
    // An application has no command line: the hint says where the value goes in code.
    const missing = expectPromptOpsError(() =>
      prompts.messages("support-agent", { customer: vars.customer }),
    );
    expect(missing.hint).not.toContain("--var");
    expect(missing.hint).toContain('prompts.messages("support-agent", { userMessage: … })');
    expect(() =>
      prompts.anthropic("support-agent", { ...vars, history: [{ role: "robot", content: "x" }] }),
    ).toThrow(/variable history\.0\.role/);
  });

  it("an unknown id is a clear error listing what is active (and the likely one)", async () => {
    const prompts = await loadPrompts({ lockfile, env: "production" });
    expect(() => prompts.messages("support-agnt", vars)).toThrow(
      expect.objectContaining({
        code: "unknown-prompt",
        exitCode: 2,
        message: 'no prompt "support-agnt" is active in environment "production"',
        hint: 'did you mean "support-agent"? active prompts: support-agent, triage/classify',
      }),
    );
    expect(() => prompts.get("nope")).toThrow(
      expect.objectContaining({ hint: "active prompts: support-agent, triage/classify" }),
    );
  });

  it("an unknown environment or a missing lockfile is a clear error", async () => {
    await expect(loadPrompts({ lockfile, env: "prod" })).rejects.toMatchObject({
      code: "unknown-environment",
      message: 'environment "prod" is not in the lockfile',
      hint: "environments in it: production, staging",
      location: { file: lockfile },
    });
    await expect(
      loadPrompts({ lockfile: dir.path("missing.lock"), env: "production" }),
    ).rejects.toMatchObject({
      code: "lockfile-not-found",
    });
  });

  it("refuses a corrupted lockfile at start", async () => {
    writeFileSync(lockfile, '{\n  "environments": {\n}');
    await expect(loadPrompts({ lockfile, env: "production" })).rejects.toMatchObject({
      code: "lockfile-invalid",
      location: { file: lockfile, line: 3, col: 2 },
    });
  });
});
