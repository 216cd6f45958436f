import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkProviderCredentials, createProvider } from "../../src/providers/create-provider.js";
import {
  configuredById,
  ownModelSpec,
  parseProviderSpec,
  resolveForPrompt,
  resolveProviderRef,
} from "../../src/providers/provider-spec.js";
import { FakeProviderServer } from "../fake-provider/fake-provider-server.js";
import { expectPromptOpsError, expectPromptOpsRejection } from "../helpers/expect-error.js";

const thrown = (fn: () => unknown) => expectPromptOpsError(fn);

describe("provider references in the config and on the command line", () => {
  it.each([
    ["openai:gpt-4o-mini", { id: "openai:gpt-4o-mini", kind: "openai", model: "gpt-4o-mini" }],
    [
      "anthropic:claude-haiku-4-5",
      { id: "anthropic:claude-haiku-4-5", kind: "anthropic", model: "claude-haiku-4-5" },
    ],
    [
      "openai-compatible:llama3.2:3b",
      { id: "openai-compatible:llama3.2:3b", kind: "openai-compatible", model: "llama3.2:3b" },
    ],
    ["echo", { id: "echo", kind: "echo", model: "echo" }],
    [
      "exec:./reply.sh --fast",
      {
        id: "exec:./reply.sh --fast",
        kind: "exec",
        model: "./reply.sh --fast",
        command: "./reply.sh --fast",
      },
    ],
  ])("%s", (ref, expected) => {
    expect(parseProviderSpec(ref)).toEqual(expected);
  });

  it("takes a config object with its own id, endpoint, key variable and params", () => {
    const spec = parseProviderSpec({
      id: "local-llama",
      kind: "openai-compatible",
      model: "llama3.2",
      baseURL: "http://127.0.0.1:11434/v1",
      apiKeyEnv: "OLLAMA_KEY",
      concurrency: 2,
      params: { temperature: 0 },
    });
    expect(spec).toEqual({
      id: "local-llama",
      kind: "openai-compatible",
      model: "llama3.2",
      baseURL: "http://127.0.0.1:11434/v1",
      apiKeyEnv: "OLLAMA_KEY",
      concurrency: 2,
      params: { temperature: 0 },
    });
  });

  it("an unknown kind is a usage error (exit 2) listing the known kinds", () => {
    const error = thrown(() => parseProviderSpec("gemni:gemini-2.5-flash"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown provider kind "gemni" in "gemni:gemini-2.5-flash"');
    expect(error.hint).toBe("known kinds: openai, anthropic, openai-compatible, exec, echo");
    expect(thrown(() => parseProviderSpec("opnai:gpt-4o")).message).toContain('did you mean "openai"?');
  });

  it("a kind with no model, or exec with no command, says how to write it", () => {
    expect(thrown(() => parseProviderSpec("openai")).hint).toBe("write it as openai:<model>");
    expect(thrown(() => parseProviderSpec("exec:")).hint).toBe("write it as exec:./reply.sh");
    expect(thrown(() => parseProviderSpec({ id: "x", kind: "anthropic" })).message).toBe(
      'provider "x" (anthropic) has no model',
    );
  });

  it("--providers picks config entries by id, or takes kind:model references", () => {
    const configured = [
      "openai:gpt-4o-mini",
      {
        id: "local-llama",
        kind: "openai-compatible" as const,
        model: "llama3.2",
        baseURL: "http://127.0.0.1:11434/v1",
      },
    ];
    const byId = configuredById(configured);
    expect([...byId.keys()]).toEqual(["openai:gpt-4o-mini", "local-llama"]);
    expect(resolveForPrompt("local-llama", byId, undefined)).toMatchObject({
      baseURL: "http://127.0.0.1:11434/v1",
    });
    expect(resolveForPrompt("anthropic:claude-haiku-4-5", byId, undefined)?.id).toBe(
      "anthropic:claude-haiku-4-5",
    );
    const typo = thrown(() => resolveForPrompt("local-lama", byId, undefined));
    expect(typo.message).toBe('no provider "local-lama" in the config (did you mean "local-llama"?)');
    expect(resolveProviderRef("local-llama", configured).kind).toBe("openai-compatible");
  });

  it("a bare kind is the prompt's own model of that kind, or none; echo stays echo", () => {
    const byId = configuredById([]);
    const own = ownModelSpec({ provider: "openai", name: "gpt-4o", params: { temperature: 0.2 } }, byId);
    // The prompt's params travel with each request, never in the provider every such prompt shares.
    expect(own).toEqual({ id: "openai:gpt-4o", kind: "openai", model: "gpt-4o" });
    expect(resolveForPrompt("openai", byId, own)).toBe(own);
    expect(resolveForPrompt("anthropic", byId, own)).toBeUndefined();
    expect(resolveForPrompt("openai", byId, undefined)).toBeUndefined();
    expect(resolveForPrompt("echo", byId, own)?.id).toBe("echo");
  });

  it("a prompt's model may name a config entry: its endpoint, with the prompt's model and params", () => {
    const byId = configuredById([
      { id: "local", kind: "openai-compatible", model: "llama3.2", baseURL: "http://127.0.0.1:1/v1" },
      { id: "pinned", kind: "openai", model: "gpt-4o", params: { temperature: 0, seed: 1 } },
    ]);
    expect(ownModelSpec({ provider: "local", name: "llama3.2" }, byId)).toMatchObject({
      id: "local",
      model: "llama3.2",
      baseURL: "http://127.0.0.1:1/v1",
    });
    expect(ownModelSpec({ provider: "local", name: "qwen3" }, byId)).toMatchObject({
      id: "local:qwen3",
      model: "qwen3",
    });
    // The entry pins temperature 0; the prompt's own 0.5 is what its own model gets, under its own
    // id, where the entry's params fill in only what a prompt leaves unset.
    expect(ownModelSpec({ provider: "pinned", name: "gpt-4o", params: { temperature: 0.5 } }, byId)).toEqual({
      id: "pinned:gpt-4o",
      kind: "openai",
      model: "gpt-4o",
      defaults: { temperature: 0, seed: 1 },
    });
    expect(ownModelSpec({ provider: "pinned", name: "gpt-4o", params: { seed: 1 } }, byId).id).toBe("pinned");
  });

  it("two config entries with one id are refused", () => {
    const configured = [
      { id: "a", kind: "echo" as const },
      { id: "a", kind: "openai" as const, model: "gpt-4o" },
    ];
    expect(thrown(() => configuredById(configured)).message).toContain('the id "a"');
  });
});

describe("missing credentials stop the run before any request", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start();
  });
  afterAll(() => server.close());

  it("OPENAI_API_KEY not set: exit 2 naming the variable, and the server saw nothing", async () => {
    const error = await expectPromptOpsRejection(
      createProvider(parseProviderSpec("openai:gpt-4o-mini"), { OPENAI_BASE_URL: server.openaiBaseURL }),
    );
    expect(error).toMatchObject({
      exitCode: 2,
      message: "OPENAI_API_KEY is not set: the provider openai:gpt-4o-mini needs it",
    });
    expect(server.stats.total).toBe(0);
  });

  it("checks every provider at once, naming each variable once", () => {
    const specs = [
      "openai:gpt-4o-mini",
      "openai:gpt-4o",
      "anthropic:claude-haiku-4-5",
      "echo",
      "exec:./x.sh",
    ].map((r) => parseProviderSpec(r));
    const error = thrown(() => checkProviderCredentials(specs, { OPENAI_API_KEY: "" }));
    expect(error.message).toBe(
      "OPENAI_API_KEY is not set: the providers openai:gpt-4o-mini, openai:gpt-4o need it; " +
        "ANTHROPIC_API_KEY is not set: the provider anthropic:claude-haiku-4-5 needs it",
    );
    expect(error.hint).toContain("OPENAI_API_KEY, ANTHROPIC_API_KEY");
    expect(() =>
      checkProviderCredentials(specs, { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k" }),
    ).not.toThrow();
  });

  it("reads the variable a config entry names, and never prints its value", () => {
    const spec = parseProviderSpec({
      id: "team",
      kind: "openai",
      model: "gpt-4o",
      apiKeyEnv: "TEAM_OPENAI_KEY",
    });
    expect(thrown(() => checkProviderCredentials([spec], { OPENAI_API_KEY: "sk-other" })).message).toBe(
      "TEAM_OPENAI_KEY is not set: the provider team needs it",
    );
  });

  it("an openai-compatible entry needs a base URL but no key", () => {
    const spec = parseProviderSpec({ id: "local", kind: "openai-compatible", model: "llama3.2" });
    expect(thrown(() => checkProviderCredentials([spec], {})).message).toContain(
      "the provider local has no baseURL",
    );
    expect(() =>
      checkProviderCredentials([{ ...spec, baseURL: "http://127.0.0.1:11434/v1" }], {}),
    ).not.toThrow();
    expect(() =>
      checkProviderCredentials([spec], { OPENAI_BASE_URL: "http://127.0.0.1:4000/v1" }),
    ).not.toThrow();
  });
});
