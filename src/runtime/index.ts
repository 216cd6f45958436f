// What applications import (`import { loadPrompts } from "promptops"`). This module and everything
// it imports stay free of git, the CLI (commander, chalk) and provider SDKs, and of top-level await,
// so that CommonJS apps can require() it (require(esm), Node 20.19+).
import type { KeyObject } from "node:crypto";
import { resolve } from "node:path";
import { PromptOpsError } from "../errors.js";
import { type Lockfile, parseLockfile } from "../lockfile/lockfile.js";
import { type TrustedKey, trustedKeys } from "../lockfile/lockfile-signature.js";
import { type LockfileText, readLockfileTextSync } from "../lockfile/read-lockfile-text.js";
import {
  type CallRecorder,
  type Feedback,
  type ObserveStats,
  type PreparedCall,
  startCallRecorder,
  unobservedCallRecorder,
} from "../observe/call-recorder.js";
import type { ObserveOptions } from "../observe/observe-options.js";
import type { CompiledTemplate } from "../prompt/compile-template.js";
import type { CompiledPrompt, FunctionTool, ResponseFormat, VariableSchema } from "../prompt/prompt-file.js";
import {
  type AnthropicRequestMessages,
  type OpenAIChatMessage,
  type ResponsesRequestInput,
  toAnthropicMessages,
  toOpenAIMessages,
  toResponsesInput,
} from "../prompt/provider-formats.js";
import { type PromptTemplates, renderPrompt, type TemplateStore } from "../prompt/render.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import { checkedTemplates } from "./checked-templates.js";
import { loadFromFile, MISSING_LOCKFILE_HINT } from "./file-source.js";
import { lockfileSource, type SourceOptions } from "./load-source.js";
import { requirePrompts } from "./required-prompts.js";
import { type AcceptLockfile, type LoadedFrom, loadFromUrl } from "./url-source.js";

export { PromptOpsError } from "../errors.js";
export type { CallResult, Feedback, ObserveStats, PreparedCall } from "../observe/call-recorder.js";
export type { ObserveOptions } from "../observe/observe-options.js";
export type {
  AnthropicContentBlock,
  AnthropicImageType,
  AnthropicRequestMessages,
  OpenAIChatMessage,
  ResponsesInputContent,
  ResponsesRequestInput,
} from "../prompt/provider-formats.js";
export type { RenderedMessage } from "../prompt/render.js";

export interface LoadPromptsOptions extends SourceOptions {
  /** The environment whose active versions are served, e.g. "production". */
  env: string;
  /**
   * The prompt ids this application renders: a lockfile that does not serve each of them in `env`
   * (another project's, a wrong URL) is refused. Without it, a lockfile from the URL must serve every
   * id the one it replaces served.
   */
  expectedPrompts?: readonly string[];
  /**
   * Called when a changed lockfile cannot be used (unreadable, invalid, tampered, or without this
   * environment); the registry keeps serving the last good one. Default: a process warning.
   */
  onError?: (error: Error) => void;
  /**
   * Called after a changed lockfile was loaded, with the ids whose active version changed; not
   * called when the file changed but this environment's active versions did not. With `url`, `from`
   * says where it came from, and a switch from the fallback to the URL is reported even when no
   * version changed.
   */
  onReload?: (event: { changed: string[]; from?: "url" | "fallback" }) => void;
  /**
   * Accept only lockfiles signed with this Ed25519 key: the PEM text of the `.pub` file
   * `promptops keygen` wrote, or a KeyObject; a list accepts any of them (the old and the new key
   * while rotating). An unsigned or wrongly signed lockfile is refused (at start: loadPrompts
   * rejects; on reload: onError, and the last good one is kept). Uses node:crypto.
   */
  publicKey?: string | KeyObject | ReadonlyArray<string | KeyObject>;
  /** Record each call made through prepare(): a JSONL log, OpenTelemetry spans (README: Observe). */
  observe?: ObserveOptions;
}

/** The options of loadPromptsSync: a lockfile file, read once. */
export type LoadPromptsSyncOptions = Pick<LoadPromptsOptions, "env" | "expectedPrompts" | "publicKey"> & {
  /** Path to promptops.lock, relative to the current directory. */
  lockfile: string;
};

/** One active prompt's metadata: spread `model` and `params` into an SDK call. */
export interface PromptInfo {
  id: string;
  version: number;
  hash: string;
  provider: string | undefined;
  /** The model name, e.g. "gpt-4o-mini". */
  model: string | undefined;
  params: Readonly<Record<string, unknown>>;
  response_format: ResponseFormat | undefined;
  tools: readonly FunctionTool[] | undefined;
  variables: Readonly<Record<string, VariableSchema>>;
}

/**
 * Prompt id -> its variables. Empty here; `promptops types` generates a declaration file that
 * fills it, so a misspelt id or variable becomes a compile error in the application.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from generated types
export interface PromptVariables {}

type KnownPromptId = keyof PromptVariables;
/** Any string until `promptops types` has run; then only the ids it knows. */
export type PromptId = [KnownPromptId] extends [never] ? string : KnownPromptId;
export type PromptVars<K> = K extends KnownPromptId ? PromptVariables[K] : Readonly<Record<string, unknown>>;
/** `vars` may be left out only when every variable has a default. */
type VarsArgument<K> =
  Record<string, never> extends PromptVars<K> ? [vars?: PromptVars<K>] : [vars: PromptVars<K>];

export interface PromptRegistry {
  /** Rendered OpenAI chat messages. Variables are validated against their schemas first. */
  messages<K extends PromptId>(id: K, ...vars: VarsArgument<K>): OpenAIChatMessage[];
  /** Rendered for Anthropic's Messages API: system prompts in `system`, the rest in `messages`. */
  anthropic<K extends PromptId>(id: K, ...vars: VarsArgument<K>): AnthropicRequestMessages;
  /** Rendered for OpenAI's Responses API: system prompts in `instructions`, the rest as `input`. */
  responses<K extends PromptId>(id: K, ...vars: VarsArgument<K>): ResponsesRequestInput;
  get(id: PromptId): PromptInfo;
  /** The ids active in the environment, sorted. */
  ids(): string[];
  /** Renders for a call and starts timing it; `call.end(...)` records it (with `observe`). */
  prepare<K extends PromptId>(id: K, ...vars: VarsArgument<K>): PreparedCall;
  /** A quality signal for a call, any time after it: written as its own line, by trace id. */
  feedback(traceId: string, feedback: Feedback): void;
  /** Call records recorded, written, dropped (slow or failing disk), sampled out. */
  observeStats(): ObserveStats;
  /** Stops watching and flushes the call records; the registry keeps serving what it last loaded. */
  close(): Promise<void>;
}

interface ActivePrompt {
  info: PromptInfo;
  compiled: CompiledPrompt;
  /** Compiled and checked when the lockfile is loaded; dropped with the prompt. */
  templates: PromptTemplates;
}

interface Loaded {
  text: string;
  /** The file's identity, size and mtime before it was read: a cheap "did it change" test. */
  signature: string;
  /** The file or URL it came from, for error locations. */
  origin: string;
  prompts: Map<string, ActivePrompt>;
  /** Every template of the active prompts, compiled once, by text; a reload reuses the unchanged ones. */
  templates: Map<string, CompiledTemplate>;
}

/** Loads the active prompts of one environment from a lockfile; needs neither git nor the prompt files. */
export async function loadPrompts(options: LoadPromptsOptions): Promise<PromptRegistry> {
  requireOptionsObject(options, "loadPrompts");
  const { env } = options;
  const source = lockfileSource(options);
  const reportError = options.onError ?? ((error: Error) => process.emitWarning(error));
  const trusted =
    options.publicKey === undefined ? undefined : trustedKeys(options.publicKey, "loadPrompts' publicKey");
  let current: Loaded | undefined;
  let currentFrom: LoadedFrom | undefined;

  /**
   * The one gate every candidate lockfile passes — at start, from a watched file, a URL or the
   * fallback: schema, every prompt's hash, every template, this environment, the prompts the
   * application expects. It is swapped in by one assignment, so a render sees the old lockfile or
   * the new one, never a mix; it throws, changing nothing, when the candidate is refused.
   */
  const accept: AcceptLockfile = (candidate, origin, from) => {
    const next = build(candidate, origin, env, trusted, current?.templates);
    const required = options.expectedPrompts ?? (from === "url" ? current?.prompts.keys() : undefined);
    requirePrompts(next.prompts, required, origin, env);
    const previous = current;
    const previousFrom = currentFrom;
    current = next;
    currentFrom = from;
    if (!previous) return;
    const changed = changedIds(previous.prompts, next.prompts);
    // Another environment's activation, or a new `reason`, rewrites the file but serves the same prompts.
    if (from === "file") {
      if (changed.length > 0) options.onReload?.({ changed });
    } else if (changed.length > 0 || from !== previousFrom) options.onReload?.({ changed, from });
  };

  const watcher =
    source.kind === "url"
      ? await loadFromUrl({ ...source, accept, onError: reportError })
      : await loadFromFile(source.file, source.watch, accept, reportError, () => current!);
  const recorder = await startCallRecorder(options.observe, env, reportError).catch((error: unknown) => {
    watcher?.close();
    throw error;
  });

  return serveRegistry(
    env,
    () => current!,
    recorder,
    () => watcher?.close(),
  );
}

/**
 * loadPrompts for a CommonJS module, which has no top-level await: reads the lockfile file once,
 * synchronously, through the same gate (signature, schema, hashes, templates, environment,
 * expected prompts). No watch, no URL, no observe: those need the event loop, so loadPrompts.
 */
export function loadPromptsSync(options: LoadPromptsSyncOptions): PromptRegistry {
  requireOptionsObject(options, "loadPromptsSync");
  const { env } = options;
  if (typeof options.lockfile !== "string") {
    throw new PromptOpsError(
      "runtime-options-invalid",
      "loadPromptsSync needs `lockfile`: the path of the promptops.lock shipped with the app",
      { hint: "a `url` is fetched asynchronously: use loadPrompts for it" },
    );
  }
  // JavaScript callers are not stopped by the type: a `watch: true` taken silently would never reload.
  const needsEventLoop = ASYNC_ONLY_OPTIONS.find(
    (key) =>
      (options as Record<string, unknown>)[key] !== undefined &&
      (options as Record<string, unknown>)[key] !== false,
  );
  if (needsEventLoop !== undefined) {
    throw new PromptOpsError(
      "runtime-options-invalid",
      `loadPromptsSync does not take \`${needsEventLoop}\`: it reads the lockfile once and never again`,
      { hint: "watch, url and observe need the event loop: use `await loadPrompts(…)` for them" },
    );
  }
  const file = resolve(options.lockfile);
  const trusted =
    options.publicKey === undefined
      ? undefined
      : trustedKeys(options.publicKey, "loadPromptsSync' publicKey");
  const loaded = build(readLockfileTextSync(file, MISSING_LOCKFILE_HINT), file, env, trusted);
  requirePrompts(loaded.prompts, options.expectedPrompts, file, env);
  const reportError = (error: Error) => process.emitWarning(error);
  return serveRegistry(
    env,
    () => loaded,
    unobservedCallRecorder(env, reportError),
    () => undefined,
  );
}

/** What loadPromptsSync cannot do: each needs a timer, a fetch or a log writer after the load. */
const ASYNC_ONLY_OPTIONS = ["url", "watch", "observe", "onReload", "fallback", "pollMs"] as const;

function requireOptionsObject(options: unknown, name: string): void {
  if (typeof options !== "object" || options === null) {
    throw new PromptOpsError("runtime-options-invalid", `${name} needs its options: { lockfile, env }`, {
      hint: `e.g. ${name}({ lockfile: "promptops.lock", env: "production" })`,
    });
  }
}

/** The registry over whatever lockfile `current` returns at the moment of each call. */
function serveRegistry(
  env: string,
  current: () => Loaded,
  recorder: CallRecorder,
  stopWatching: () => void,
): PromptRegistry {
  const active = (id: string): ActivePrompt => {
    const prompt = current().prompts.get(id);
    if (prompt) return prompt;
    const ids = [...current().prompts.keys()].sort();
    const guess = closestMatch(id, ids);
    const listed =
      ids.length > 20 ? `${ids.slice(0, 20).join(", ")}, … (${ids.length - 20} more)` : ids.join(", ");
    throw new PromptOpsError("unknown-prompt", `no prompt "${id}" is active in environment "${env}"`, {
      exitCode: 2,
      location: { file: current().origin },
      hint: `${guess ? `did you mean "${guess}"? ` : ""}active prompts: ${listed || "(none)"}`,
    });
  };

  // The typed signatures are for callers; at run time ids and vars are plain strings and records.
  // `method` names the call in the missing-variable hint, as the caller wrote it.
  const render = (id: string, vars: unknown, method = "messages") => {
    const prompt = active(id);
    return renderPrompt(
      id,
      prompt.compiled,
      (vars ?? {}) as Readonly<Record<string, unknown>>,
      prompt.templates,
      (variable) =>
        `every declared variable without a default is required: prompts.${method}(${JSON.stringify(id)}, { ${variable}: … })`,
    );
  };
  return {
    messages: (id, ...vars) => toOpenAIMessages(render(id, vars[0])),
    anthropic: (id, ...vars) => toAnthropicMessages(render(id, vars[0], "anthropic")),
    responses: (id, ...vars) => toResponsesInput(render(id, vars[0], "responses")),
    get: (id) => active(id).info,
    ids: () => [...current().prompts.keys()].sort(),
    prepare: (id, ...vars) => recorder.prepare(active(id).info, render(id, vars[0], "prepare"), vars[0]),
    feedback: (traceId, feedback) => recorder.feedback(traceId, feedback),
    observeStats: () => recorder.stats(),
    close: async () => {
      stopWatching();
      await recorder.close();
    },
  };
}

/**
 * The checks of one candidate lockfile (signature, schema, hashes, environment, templates); called
 * only through `accept`, at start and at every reload, from a file or a URL.
 */
function build(
  source: LockfileText,
  file: string,
  env: string,
  trusted: TrustedKey[] | undefined,
  previous?: ReadonlyMap<string, CompiledTemplate>,
): Loaded {
  const lockfile = parseLockfile(source.text, file, trusted ? { publicKey: trusted } : {});
  const entries = Object.hasOwn(lockfile.environments, env) ? lockfile.environments[env] : undefined;
  if (!entries) {
    const envs = Object.keys(lockfile.environments).sort();
    const guess = closestMatch(env, envs);
    throw new PromptOpsError("unknown-environment", `environment "${env}" is not in the lockfile`, {
      exitCode: 2,
      location: { file },
      hint: envs.length
        ? `${guess ? `did you mean "${guess}"? ` : ""}environments in it: ${envs.join(", ")}`
        : "it has no environments yet: activate a version first (promptops activate <id>@<N> --env <env>)",
    });
  }
  const prompts = new Map<string, ActivePrompt>();
  const templates = new Map<string, CompiledTemplate>();
  // Only the templates this lockfile uses are kept: those of the previous one are reused, not held.
  const store = {
    get: (text: string) => templates.get(text) ?? previous?.get(text),
    set: templates.set.bind(templates),
  };
  for (const [id, entry] of Object.entries(entries)) {
    prompts.set(id, activePrompt(lockfile, id, entry.version, entry.hash, file, store));
  }
  return { text: source.text, signature: source.signature, origin: file, prompts, templates };
}

function activePrompt(
  lockfile: Lockfile,
  id: string,
  version: number,
  hash: string,
  file: string,
  store: TemplateStore,
): ActivePrompt {
  // parseLockfile checked that the entry's hash is stored. The stored label may name another
  // version with the same content (a revert), so id and version come from the entry.
  const { id: _id, version: _label, ...compiled } = deepFreeze(lockfile.prompts[hash]!);
  const info: PromptInfo = Object.freeze({
    id,
    version,
    hash,
    provider: compiled.model?.provider,
    model: compiled.model?.name,
    params: compiled.model?.params ?? Object.freeze({}),
    response_format: compiled.response_format,
    tools: compiled.tools,
    variables: compiled.variables ?? Object.freeze({}),
  });
  return { info, compiled, templates: checkedTemplates(id, version, compiled, file, store) };
}

/** Frozen, so an application cannot change what every later caller is served. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function changedIds(before: Map<string, ActivePrompt>, after: Map<string, ActivePrompt>): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  // The version too: a revert to an earlier version's content keeps the hash but not the version.
  const same = (a: PromptInfo | undefined, b: PromptInfo | undefined) =>
    a?.hash === b?.hash && a?.version === b?.version;
  return [...ids].filter((id) => !same(before.get(id)?.info, after.get(id)?.info)).sort();
}
