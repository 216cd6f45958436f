/** The shapes of a *.prompt.yaml file, mirroring schemas/prompt.schema.json (a test keeps them in step). */

export type Role = "system" | "user" | "assistant";

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

export type MessageContent = string | ContentPart[];

export interface RoleMessage {
  role: Role;
  content: MessageContent;
  name?: string;
}

export interface PlaceholderMessage {
  placeholder: string;
}

export type PromptMessage = RoleMessage | PlaceholderMessage;

export interface ModelSpec {
  provider: string;
  name: string;
  params?: Record<string, unknown>;
}

export type VariableSchema = Record<string, unknown>;

export interface ResponseFormat {
  type: "text" | "json_object" | "json_schema";
  json_schema?: { name: string; description?: string; schema: Record<string, unknown>; strict?: boolean };
}

export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** A one-key map: assertion type to expected value. */
export type Assertion = Record<string, unknown>;

export interface PromptTest {
  name: string;
  description?: string;
  vars?: Record<string, unknown>;
  assert: Assertion[];
  "pass-rate"?: number;
  "allow-fail"?: boolean;
  /** The weighted score of the assertions that passes the test, even if some assertions fail. */
  threshold?: number;
}

/** A `- file:` entry of `tests:`: cases from a JSONL or CSV file beside the prompt (dataset-rows.ts). */
export interface DatasetEntry {
  /** Relative to the prompt file. */
  file: string;
  description?: string;
  /** Applied to every row, after the row's own. */
  assert?: Assertion[];
  "pass-rate"?: number;
  "allow-fail"?: boolean;
}

/** One line of a JSONL dataset. */
export interface DatasetRow {
  name?: string;
  description?: string;
  vars: Record<string, unknown>;
  assert?: Assertion[];
}

export type TestEntry = PromptTest | DatasetEntry;

export function isDatasetEntry(entry: TestEntry): entry is DatasetEntry {
  return "file" in entry;
}

export interface PromptFile {
  description?: string;
  owners?: string[];
  model?: ModelSpec;
  variables?: Record<string, VariableSchema>;
  messages: PromptMessage[];
  response_format?: ResponseFormat;
  tools?: FunctionTool[];
  tests?: TestEntry[];
  boundary?: Assertion[];
  /** The test matrix beside the prompt's own model, instead of the config's `providers:`. */
  providers?: string[];
}

/**
 * The versioned content: what the hash covers. Partials are inlined; templates are not rendered.
 * description, owners, tests, boundary and providers are deliberately absent: editing them is not a new version.
 */
export interface CompiledPrompt {
  messages: PromptMessage[];
  model?: ModelSpec;
  variables?: Record<string, VariableSchema>;
  response_format?: ResponseFormat;
  tools?: FunctionTool[];
}

export function isPlaceholder(message: PromptMessage): message is PlaceholderMessage {
  return "placeholder" in message;
}

/**
 * The keys of each type, checked by the compiler to be exactly the type's keys; a test checks
 * they are exactly the schema's properties, so the types and schemas/prompt.schema.json agree.
 */
export const promptFileKeys = {
  description: true,
  owners: true,
  model: true,
  variables: true,
  messages: true,
  response_format: true,
  tools: true,
  tests: true,
  boundary: true,
  providers: true,
} as const satisfies Record<keyof PromptFile, true>;

export const promptTestKeys = {
  name: true,
  description: true,
  vars: true,
  assert: true,
  "pass-rate": true,
  "allow-fail": true,
  threshold: true,
} as const satisfies Record<keyof PromptTest, true>;

export const datasetEntryKeys = {
  file: true,
  description: true,
  assert: true,
  "pass-rate": true,
  "allow-fail": true,
} as const satisfies Record<keyof DatasetEntry, true>;

export const datasetRowKeys = {
  name: true,
  description: true,
  vars: true,
  assert: true,
} as const satisfies Record<keyof DatasetRow, true>;

export const modelSpecKeys = { provider: true, name: true, params: true } as const satisfies Record<
  keyof ModelSpec,
  true
>;

/** The assertion types whose value is a list of texts, each a template. */
export const LIST_ASSERTION_TYPES = [
  "contains-any",
  "contains-all",
  "icontains-any",
  "icontains-all",
  "not-contains-any",
  "not-contains-all",
  "not-icontains-any",
  "not-icontains-all",
] as const;

export const ASSERTION_TYPES = [
  "equals",
  "contains",
  "icontains",
  "not-contains",
  ...LIST_ASSERTION_TYPES,
  "starts-with",
  "not-equals",
  "not-icontains",
  "not-starts-with",
  "regex",
  "not-regex",
  "is-json",
  "json-schema",
  "contains-json",
  "finish-reason",
  "levenshtein",
  "max-length",
  "max-tokens",
  "max-latency-ms",
  "max-cost-usd",
  "javascript",
  "llm-judge",
  "similar",
  "is-refusal",
  "not-refusal",
  "tool-call",
  "no-tool-call",
] as const;

export type AssertionType = (typeof ASSERTION_TYPES)[number];
