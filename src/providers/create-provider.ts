import { PromptOpsError } from "../errors.js";
import { redactSecrets, rememberSecrets, secretsInEnv } from "../redact-secrets.js";
import { createEchoProvider } from "./echo-provider.js";
import { createExecProvider } from "./exec-provider.js";
import type { Provider, ProviderReply } from "./provider.js";
import type { ProviderSpec } from "./provider-spec.js";

// Only type imports and cheap modules above: each SDK module (and the SDK it wraps) is imported when
// a provider of its kind is created, so `validate` and `--help` load neither.

export interface CreateProviderOptions {
  /** Where exec commands run: the project root. */
  cwd?: string;
  /** The most bytes of one reply read (config test.maxReplyBytes); default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  /** For tests: how each SDK is loaded, e.g. to simulate @anthropic-ai/sdk not being installed. */
  importers?: { openai?: () => Promise<unknown>; anthropic?: () => Promise<unknown> };
}

type Env = Readonly<Record<string, string | undefined>>;

interface Connection {
  apiKey: string | undefined;
  /** Set when the key is required and missing. */
  missingKey?: string;
  baseURL: string | undefined;
}

const DEFAULT_BASE_URL = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
} as const;

/**
 * The provider a spec names, its replies redacted: a key it echoes (in a model's text, a tool
 * call, an exec command's output) is gone before the reply reaches assertions, judges, the cache
 * or a report. The keys in `env` are remembered as secrets for everything the process writes.
 */
export async function createProvider(
  spec: ProviderSpec,
  env: Env = process.env,
  options: CreateProviderOptions = {},
): Promise<Provider> {
  rememberSecrets(secretsInEnv(env, spec.apiKeyEnv ? [spec.apiKeyEnv] : []));
  return redactedReplies(await unredactedProvider(spec, env, options));
}

function redactedReplies(provider: Provider): Provider {
  const call = provider.call.bind(provider);
  return { ...provider, call: async (request) => redactReply(await call(request)) };
}

function redactReply(reply: ProviderReply): ProviderReply {
  const { output, toolCalls, finishReason, notes } = reply;
  return {
    ...reply,
    output: redactSecrets(output),
    ...(toolCalls
      ? {
          toolCalls: toolCalls.map((tool) => ({
            name: redactSecrets(tool.name),
            arguments: redactSecrets(tool.arguments),
          })),
        }
      : {}),
    ...(finishReason === undefined ? {} : { finishReason: redactSecrets(finishReason) }),
    ...(notes ? { notes: notes.map((note) => redactSecrets(note)) } : {}),
  };
}

async function unredactedProvider(
  spec: ProviderSpec,
  env: Env,
  options: CreateProviderOptions,
): Promise<Provider> {
  const limit = options.maxReplyBytes === undefined ? {} : { maxReplyBytes: options.maxReplyBytes };
  switch (spec.kind) {
    case "echo":
      return createEchoProvider(spec);
    case "exec":
      return createExecProvider(spec, {
        ...(options.cwd ? { cwd: options.cwd } : {}),
        env: { ...env },
        ...limit,
      });
    case "openai":
    case "openai-compatible": {
      checkProviderCredentials([spec], env);
      const { createOpenAIProvider } = await import("./openai-provider.js");
      const { apiKey, baseURL } = connection(spec, env);
      return createOpenAIProvider(spec, {
        apiKey,
        baseURL: baseURL!,
        ...(spec.kind === "openai"
          ? { organization: env.OPENAI_ORG_ID, project: env.OPENAI_PROJECT_ID }
          : {}),
        ...limit,
        ...(options.importers?.openai ? { importer: options.importers.openai } : {}),
      });
    }
    case "anthropic": {
      checkProviderCredentials([spec], env);
      const { createAnthropicProvider } = await import("./anthropic-provider.js");
      const { apiKey, baseURL } = connection(spec, env);
      return createAnthropicProvider(spec, {
        apiKey: apiKey!,
        baseURL: baseURL!,
        ...limit,
        ...(options.importers?.anthropic ? { importer: options.importers.anthropic } : {}),
      });
    }
  }
}

/**
 * Fails before any request is sent when a provider cannot work: a key variable not set, a
 * compatible endpoint with no base URL. Names the variable, never its value.
 */
export function checkProviderCredentials(specs: readonly ProviderSpec[], env: Env = process.env): void {
  const needing = new Map<string, string[]>();
  const problems: string[] = [];
  for (const spec of specs) {
    if (spec.kind === "echo" || spec.kind === "exec") continue;
    const { missingKey, baseURL } = connection(spec, env);
    if (missingKey) needing.set(missingKey, [...(needing.get(missingKey) ?? []), spec.id]);
    if (!baseURL)
      problems.push(
        `the provider ${spec.id} has no baseURL (set it in its config entry, or OPENAI_BASE_URL)`,
      );
    else if (!URL.canParse(baseURL))
      problems.push(`the provider ${spec.id} has an invalid baseURL "${baseURL}"`);
  }
  const missing = [...needing].map(([variable, ids]) =>
    ids.length === 1
      ? `${variable} is not set: the provider ${ids[0]} needs it`
      : `${variable} is not set: the providers ${ids.join(", ")} need it`,
  );
  const all = [...missing, ...problems];
  if (all.length === 0) return;
  const hint =
    missing.length > 0
      ? `export ${[...needing.keys()].join(", ")} (in CI, from a secret), or choose other providers with --providers (--providers echo checks composition offline)`
      : "an OpenAI-compatible endpoint looks like http://127.0.0.1:11434/v1";
  throw new PromptOpsError("provider-credentials", all.join("; "), { hint, exitCode: 2 });
}

function connection(spec: ProviderSpec, env: Env): Connection {
  const read = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  if (spec.kind === "anthropic") {
    const variable = spec.apiKeyEnv ?? "ANTHROPIC_API_KEY";
    const apiKey = read(variable);
    const baseURL = spec.baseURL ?? read("ANTHROPIC_BASE_URL") ?? DEFAULT_BASE_URL.anthropic;
    return { apiKey, baseURL, ...(apiKey ? {} : { missingKey: variable }) };
  }
  if (spec.kind === "openai") {
    const variable = spec.apiKeyEnv ?? "OPENAI_API_KEY";
    const apiKey = read(variable);
    const baseURL = spec.baseURL ?? read("OPENAI_BASE_URL") ?? DEFAULT_BASE_URL.openai;
    return { apiKey, baseURL, ...(apiKey ? {} : { missingKey: variable }) };
  }
  // openai-compatible: a key only when the entry names its variable. OPENAI_API_KEY is never
  // used here, so a real OpenAI key is not sent to a third-party or local endpoint.
  const apiKey = spec.apiKeyEnv ? read(spec.apiKeyEnv) : undefined;
  const baseURL = spec.baseURL ?? read("OPENAI_BASE_URL");
  return { apiKey, baseURL, ...(spec.apiKeyEnv && !apiKey ? { missingKey: spec.apiKeyEnv } : {}) };
}
