/** A provider entry from config `providers:`: "kind:model" or an object. */
export type ProviderConfig =
  | string
  | {
      id: string;
      kind: "openai" | "anthropic" | "openai-compatible" | "exec" | "echo";
      model?: string;
      baseURL?: string;
      apiKeyEnv?: string;
      command?: string;
      concurrency?: number;
      params?: Record<string, unknown>;
    };

/** What a protected environment requires before a version enters it (DESIGN.md section 9). */
export interface ProtectionRule {
  /** A passing test record for the version's exact hash. */
  tests: boolean;
  /** Approvals by the prompt's owners who are not the version's tagger. */
  approvals: number;
}

/** An `environments:` entry: a name, or a name with protection. */
export type EnvironmentConfig = string | { name: string; protected?: Partial<ProtectionRule> };

/** promptops.config.yaml as written (every key optional); the shape of schemas/config.schema.json. */
export interface ConfigFile {
  promptsDir?: string;
  tagPrefix?: string;
  environments?: EnvironmentConfig[];
  /** Owner handles ("@acme/support") to the git e-mails they stand for. */
  owners?: Record<string, string[]>;
  providers?: ProviderConfig[];
  judge?: string;
  embeddings?: string;
  test?: {
    concurrency?: number;
    retries?: number;
    timeoutMs?: number;
    maxDurationMs?: number;
    allowJavascript?: boolean;
    cacheDir?: string;
    maxReplyBytes?: number;
  };
  pricing?: Record<string, { input: number; output: number }>;
  types?: string;
  judgePrompt?: string;
  pairwiseJudgePrompt?: string;
  signing?: SigningConfig;
}

/** Signed lockfiles (DESIGN.md section 7): where the private key comes from, and the trusted public key. */
export interface SigningConfig {
  /** `env:NAME` (the variable holds the PEM text) or `file:path` (relative to the config file). */
  key?: string;
  /** Path of the public key's PEM file (relative to the config file, `file:` optional), or the PEM text. */
  publicKey?: string;
}

/** The config with defaults applied and paths made absolute. */
export interface ProjectConfig {
  /** Directory holding promptops.config.yaml, or the working directory when there is none. */
  root: string;
  /** Absolute path of the config file, when one was found. */
  configFile: string | undefined;
  promptsDir: string;
  tagPrefix: string;
  /** Environment names, in promotion order. */
  environments: string[];
  /** The protected environments among them, by name. */
  protectedEnvironments: Record<string, ProtectionRule>;
  /** Owner handles to e-mails (lower-cased), from config `owners:`. */
  owners: Record<string, string[]>;
  providers: ProviderConfig[];
  judge: string | undefined;
  embeddings: string | undefined;
  test: {
    concurrency: number;
    retries: number;
    timeoutMs: number;
    /** The run-level deadline (--max-duration); none by default. */
    maxDurationMs?: number;
    /** `javascript` assertions run only when the config allows them: they are code. */
    allowJavascript: boolean;
    cacheDir: string;
    maxReplyBytes: number;
  };
  pricing: Record<string, { input: number; output: number }>;
  /** Relative to root; set only when the config names it. */
  types: string | undefined;
  /** A prompt id replacing the built-in judge prompt. */
  judgePrompt: string | undefined;
  /** A prompt id replacing the built-in pairwise judge prompt (--judge-pairwise). */
  pairwiseJudgePrompt: string | undefined;
  /** As written; keys are read (and files resolved against root) only by the commands that sign or check. */
  signing: SigningConfig;
}

export const CONFIG_FILE_NAME = "promptops.config.yaml";

export const defaultConfig = {
  promptsDir: "prompts",
  tagPrefix: "prompt/",
  environments: ["staging", "production"],
  // None: a prompt is tested on its own model; echo joins a matrix only when a config names it.
  providers: [] as string[],
  test: {
    concurrency: 8,
    retries: 3,
    timeoutMs: 60_000,
    allowJavascript: false,
    cacheDir: ".promptops/cache",
    // 4 MiB: eight times the longest reply a model writes today (128k tokens), and little memory.
    maxReplyBytes: 4 * 1024 * 1024,
  },
} as const;

/** Exactly ConfigFile's keys (checked by the compiler); a test checks them against the schema. */
export const configFileKeys = {
  promptsDir: true,
  tagPrefix: true,
  environments: true,
  owners: true,
  providers: true,
  judge: true,
  embeddings: true,
  test: true,
  pricing: true,
  types: true,
  judgePrompt: true,
  pairwiseJudgePrompt: true,
  signing: true,
} as const satisfies Record<keyof ConfigFile, true>;

/** Exactly the keys of ConfigFile's `test:` (checked by the compiler), checked against the schema. */
export const configTestKeys = {
  concurrency: true,
  retries: true,
  timeoutMs: true,
  maxDurationMs: true,
  allowJavascript: true,
  cacheDir: true,
  maxReplyBytes: true,
} as const satisfies Record<keyof NonNullable<ConfigFile["test"]>, true>;
