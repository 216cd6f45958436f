import { describe, expect, it } from "vitest";
import type {
  BaselineReport,
  BaselineVerdict,
  CaseBaseline,
  CaseDelta,
  MissingBaseline,
} from "../../src/regression/baseline/baseline-results.js";
import { readSchema } from "../../src/schemas/ajv.js";

type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  $defs?: Record<string, Schema>;
};

const schema = readSchema("results") as Schema;
const keys = (s: Schema | undefined) => Object.keys(s?.properties ?? {}).sort();
const def = (name: string) => schema.$defs?.[name];

// `satisfies Record<keyof T, true>` fails to compile when baseline-results.ts gains or loses a key.
const caseBaselineKeys = {
  version: true,
  hash: true,
  status: true,
  output: true,
  toolCalls: true,
  cached: true,
  tokens: true,
  costUsd: true,
  latencyMs: true,
  score: true,
  assertions: true,
  error: true,
  diff: true,
  change: true,
  delta: true,
  pairwise: true,
} as const satisfies Record<keyof CaseBaseline, true>;
const caseDeltaKeys = { score: true, tokens: true, costUsd: true, latencyMs: true } as const satisfies Record<
  keyof CaseDelta,
  true
>;
const reportKeys = {
  ref: true,
  verdicts: true,
  missing: true,
  tokens: true,
  costUsd: true,
} as const satisfies Record<keyof BaselineReport, true>;
const verdictKeys = {
  prompt: true,
  provider: true,
  version: true,
  verdict: true,
  cases: true,
  compared: true,
  regressed: true,
  improved: true,
  passDelta: true,
  scoreDelta: true,
  tokensDelta: true,
  costDelta: true,
  latencyDelta: true,
} as const satisfies Record<keyof BaselineVerdict, true>;
const missingKeys = { prompt: true, reason: true } as const satisfies Record<keyof MissingBaseline, true>;

describe("schemas/results.schema.json describes exactly the baseline fields of baseline-results.ts", () => {
  it.each([
    ["CaseBaseline", caseBaselineKeys, def("caseBaseline")],
    ["CaseDelta", caseDeltaKeys, def("caseBaseline")?.properties?.delta],
    ["BaselineReport", reportKeys, def("baselineReport")],
    ["BaselineVerdict", verdictKeys, def("baselineVerdict")],
    ["MissingBaseline", missingKeys, def("baselineReport")?.properties?.missing?.items],
  ])("%s has the same keys", (_name, typeKeys, schemaPart) => {
    expect(keys(schemaPart)).toEqual(Object.keys(typeKeys).sort());
  });

  it("hangs them off a case result and off the run, both optional", () => {
    expect(def("caseResult")?.properties?.baseline).toEqual({ $ref: "#/$defs/caseBaseline" });
    expect(schema.properties?.baseline).toEqual({ $ref: "#/$defs/baselineReport" });
  });
});
