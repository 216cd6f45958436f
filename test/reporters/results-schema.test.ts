import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { RateLimitStats } from "../../src/regression/provider-pace.js";
import type {
  AssertionResult,
  CaseResult,
  JudgeUsage,
  RunResults,
  RunSummary,
  TokenCounts,
  ToolCallResult,
} from "../../src/regression/results.js";
import { formatJsonReport } from "../../src/reporters/json-reporter.js";
import { readSchema } from "../../src/schemas/ajv.js";
import { allCases, errored, passed, runResults } from "./fixtures.js";

type Schema = { properties?: Record<string, Schema>; $defs?: Record<string, Schema>; $ref?: string };

const schema = readSchema("results") as Schema;
// Same options as our other schemas (src/schemas/ajv.ts): strict, so a typo in the schema fails here.
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

const keys = (s: Schema | undefined) => Object.keys(s?.properties ?? {}).sort();
const def = (name: string) => schema.$defs?.[name];

// `satisfies Record<keyof T, true>` fails to compile when src/regression/results.ts gains or loses a key.
const runResultsKeys = {
  shard: true,
  summary: true,
  results: true,
  baseline: true,
} as const satisfies Record<keyof RunResults, true>;
const runSummaryKeys = {
  total: true,
  passed: true,
  failed: true,
  errors: true,
  durationMs: true,
  tokens: true,
  costUsd: true,
  judge: true,
  rateLimited: true,
} as const satisfies Record<keyof RunSummary, true>;
const caseResultKeys = {
  prompt: true,
  version: true,
  hash: true,
  provider: true,
  test: true,
  status: true,
  allowedFailure: true,
  output: true,
  toolCalls: true,
  latencyMs: true,
  cached: true,
  tokens: true,
  costUsd: true,
  assertions: true,
  error: true,
  location: true,
  repeats: true,
  boundary: true,
  baseline: true,
  judge: true,
  finishReason: true,
  score: true,
  threshold: true,
} as const satisfies Record<keyof CaseResult, true>;
const judgeUsageKeys = { calls: true, tokens: true, costUsd: true } as const satisfies Record<
  keyof JudgeUsage,
  true
>;
const assertionResultKeys = {
  type: true,
  pass: true,
  score: true,
  message: true,
  weight: true,
} as const satisfies Record<keyof AssertionResult, true>;
const rateLimitKeys = { responses: true, waitedMs: true } as const satisfies Record<
  keyof RateLimitStats,
  true
>;
const tokenCountsKeys = { input: true, output: true } as const satisfies Record<keyof TokenCounts, true>;
const toolCallKeys = { name: true, args: true, argsError: true } as const satisfies Record<
  keyof ToolCallResult,
  true
>;
const locationKeys = { file: true, line: true } as const satisfies Record<
  keyof NonNullable<CaseResult["location"]>,
  true
>;

describe("schemas/results.schema.json describes exactly the results of src/regression/results.ts", () => {
  it.each([
    ["RunResults", runResultsKeys, schema],
    ["RunSummary", runSummaryKeys, def("runSummary")],
    ["CaseResult", caseResultKeys, def("caseResult")],
    ["AssertionResult", assertionResultKeys, def("assertionResult")],
    ["TokenCounts", tokenCountsKeys, def("tokenCounts")],
    ["location", locationKeys, def("location")],
    ["ToolCallResult", toolCallKeys, (def("toolCalls") as { items?: Schema } | undefined)?.items],
    ["JudgeUsage", judgeUsageKeys, def("judgeUsage")],
    ["RateLimitStats", rateLimitKeys, def("runSummary")?.properties?.rateLimited],
  ])("%s has the same keys", (_name, typeKeys, schemaPart) => {
    expect(keys(schemaPart)).toEqual(Object.keys(typeKeys).sort());
  });

  it("accepts a run with passes, failures, errors, cached cases and unknown costs", () => {
    const ok = validate(runResults());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("accepts what the json reporter writes, unchanged but for redacted keys", () => {
    const written = JSON.parse(formatJsonReport(runResults()));
    expect(validate(written)).toBe(true);
    expect(written.results).toHaveLength(allCases.length);
    expect(written.results[0]).toEqual(passed);
  });

  it.each([
    ["version 0", { ...passed, version: 0 }],
    ['version "v3"', { ...passed, version: "v3" }],
    ["version 1.5", { ...passed, version: 1.5 }],
    ["an unknown key", { ...passed, temprature: 1 }],
    ["a cost of a string", { ...passed, costUsd: "0.01" }],
    ["a missing cost (unknown is null, not absent)", { ...passed, costUsd: undefined }],
    ["status skipped", { ...passed, status: "skipped" }],
    ["a line 0", { ...errored, location: { file: "a.prompt.yaml", line: 0 } }],
    ["a tool call without its arguments", { ...passed, toolCalls: [{ name: "lookup_order" }] }],
    [
      "a score above 1",
      { ...passed, assertions: [{ type: "similar", pass: true, score: 1.2, message: "" }] },
    ],
  ])("rejects a case with %s", (_why, bad) => {
    const run = runResults([JSON.parse(JSON.stringify(bad))]);
    expect(validate(run)).toBe(false);
  });

  it("accepts a published version number and a case without a location", () => {
    const { location: _omitted, ...noLocation } = passed;
    expect(validate(runResults([{ ...noLocation, version: 12 }]))).toBe(true);
  });
});
