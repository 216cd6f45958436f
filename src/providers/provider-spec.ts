import { isDeepStrictEqual } from "node:util";
import type { ProviderConfig } from "../config/config.js";
import {
  isProviderKind,
  kindProblem,
  missingModelProblem,
  type NameProblem,
  type ProviderKind,
  unknownNameProblem,
} from "../config/provider-names.js";
import { PromptOpsError } from "../errors.js";
import type { ModelSpec } from "../prompt/prompt-file.js";

/** A provider reference made whole: what createProvider needs, nothing secret (keys stay in env). */
export interface ProviderSpec {
  /** Shown in reports: "openai:gpt-4o-mini", or a config entry's `id`. */
  id: string;
  kind: ProviderKind;
  /** For exec, the command; for echo, "echo". */
  model: string;
  baseURL?: string;
  /** Name of the environment variable holding the key (never the key itself). */
  apiKeyEnv?: string;
  command?: string;
  concurrency?: number;
  /** Merged over the prompt's params in every request: a matrix entry can pin e.g. temperature. */
  params?: Record<string, unknown>;
  /**
   * Merged under the prompt's params: a config entry's params as a prompt's own model uses them.
   * Never the prompt's own params: one provider serves every prompt with its id in a run.
   */
  defaults?: Record<string, unknown>;
}

/** Parses a `providers:` entry of the config, or one `--providers` item that is not a config id. */
export function parseProviderSpec(ref: ProviderConfig): ProviderSpec {
  if (typeof ref === "string") return parseProviderString(ref);
  if (!ref.id) throw specError("a provider entry has no id", "give each provider object an `id`");
  const kind = checkKind(ref.kind, `provider "${ref.id}"`);
  const model =
    kind === "exec" ? (ref.command ?? ref.model) : kind === "echo" ? (ref.model ?? "echo") : ref.model;
  if (!model) {
    const key = kind === "exec" ? "command" : "model";
    throw specError(
      `provider "${ref.id}" (${kind}) has no ${key}`,
      `add \`${key}:\` to its entry in the config`,
    );
  }
  return {
    id: ref.id,
    kind,
    model,
    ...(ref.baseURL ? { baseURL: ref.baseURL } : {}),
    ...(ref.apiKeyEnv ? { apiKeyEnv: ref.apiKeyEnv } : {}),
    ...(kind === "exec" ? { command: model } : {}),
    ...(ref.concurrency === undefined ? {} : { concurrency: ref.concurrency }),
    ...(ref.params ? { params: ref.params } : {}),
  };
}

function parseProviderString(ref: string): ProviderSpec {
  const text = ref.trim();
  // Split at the first colon only: model names ("llama3.2:3b") and commands may hold more.
  const colon = text.indexOf(":");
  const kindText = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1).trim();
  const kind = checkKind(kindText, `"${ref}"`);
  if (kind === "echo") return { id: rest ? `echo:${rest}` : "echo", kind, model: rest || "echo" };
  if (!rest) throw problemError(missingModelProblem(ref, kind));
  if (kind === "exec") return { id: `exec:${rest}`, kind, model: rest, command: rest };
  return { id: `${kind}:${rest}`, kind, model: rest };
}

function checkKind(kind: string, where: string): ProviderKind {
  const problem = kindProblem(kind, where);
  if (problem) throw problemError(problem);
  return kind as ProviderKind;
}

/** One reference (`judge:`, `embeddings:`) that may name a configured id. */
export function resolveProviderRef(ref: string, configured: readonly ProviderConfig[] = []): ProviderSpec {
  return resolveIn(ref, configuredById(configured));
}

/** The config's `providers:` by id; two entries with one id are refused. */
export function configuredById(configured: readonly ProviderConfig[]): Map<string, ProviderSpec> {
  const byId = new Map<string, ProviderSpec>();
  for (const spec of configured.map(parseProviderSpec)) {
    if (byId.has(spec.id))
      throw specError(
        `two providers in the config have the id "${spec.id}"`,
        "give each provider a distinct id",
      );
    byId.set(spec.id, spec);
  }
  return byId;
}

/**
 * The provider a prompt's own `model:` names: `provider` is a kind (openai, anthropic, …) or a
 * config entry's id, whose endpoint and key it then uses. Its params are the prompt's, always
 * (each request carries them): a config entry's own params fill in only what the prompt leaves
 * unset. Where that differs from the entry as the config's matrix uses it (another model, or a
 * param the entry pins), the id differs too (`fast:gpt-4o`), as a run's providers are told apart
 * by id. The spec holds nothing of the prompt's params: the run makes one provider per id, which
 * every prompt with that model shares.
 */
export function ownModelSpec(model: ModelSpec, byId: ReadonlyMap<string, ProviderSpec>): ProviderSpec {
  const entry = byId.get(model.provider);
  if (entry && entry.kind !== "exec" && entry.kind !== "echo") {
    const prompt = model.params ?? {};
    const pinned = Object.entries(entry.params ?? {}).some(
      ([key, value]) => key in prompt && !isDeepStrictEqual(prompt[key], value),
    );
    if (entry.model === model.name && !pinned) return entry;
    const { params, ...endpoint } = entry;
    return {
      ...endpoint,
      id: `${entry.id}:${model.name}`,
      model: model.name,
      ...(params ? { defaults: params } : {}),
    };
  }
  if (entry) return entry;
  return parseProviderString(`${model.provider}:${model.name}`);
}

/**
 * One reference in a prompt's matrix (`--providers`, or the prompt's own `providers:`): a config
 * id, a "kind:model", or a bare kind, which stands for the prompt's own model when it is of that
 * kind (`--providers openai` tests each prompt written for OpenAI on its own model), and for
 * nothing otherwise. `echo` and `exec` keep their meaning.
 */
export function resolveForPrompt(
  ref: string,
  byId: ReadonlyMap<string, ProviderSpec>,
  own: ProviderSpec | undefined,
): ProviderSpec | undefined {
  const text = ref.trim();
  if (!byId.has(text) && isModelKind(text)) return own?.kind === text ? own : undefined;
  return resolveIn(text, byId);
}

/** A kind whose references name a model: bare, it means "the prompt's own model of this kind". */
export function isModelKind(text: string): boolean {
  return text !== "echo" && text !== "exec" && isProviderKind(text);
}

function resolveIn(ref: string, byId: ReadonlyMap<string, ProviderSpec>): ProviderSpec {
  const text = ref.trim();
  const named = byId.get(text);
  if (named) return named;
  if (text.includes(":") || isProviderKind(text)) return parseProviderString(text);
  throw problemError(unknownNameProblem(text, [...byId.keys()]));
}

function specError(message: string, hint: string): PromptOpsError {
  return new PromptOpsError("provider-invalid", message, { hint, exitCode: 2 });
}

function problemError(problem: NameProblem): PromptOpsError {
  return specError(problem.message, problem.hint);
}
