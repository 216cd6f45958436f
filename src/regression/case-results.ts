import { renderPrompt } from "../prompt/render.js";
import type { TestCase } from "./plan-cases.js";
import type { CallRequest } from "./provider-caller.js";
import type { CaseResult } from "./results.js";

/** The provider request of a case: its rendered messages and the prompt's model settings. Throws if it cannot render. */
export function caseRequest(testCase: TestCase): CallRequest {
  const { compiled } = testCase;
  return {
    messages: renderPrompt(testCase.promptId, compiled, testCase.vars),
    params: { ...(compiled.model?.params ?? {}) },
    ...(compiled.response_format ? { responseFormat: compiled.response_format } : {}),
    ...(compiled.tools ? { tools: compiled.tools } : {}),
  };
}

/** Which case a result is about. */
export function caseIdentity(testCase: TestCase, provider = testCase.provider) {
  return {
    prompt: testCase.promptId,
    version: testCase.version,
    hash: testCase.hash,
    provider,
    test: testCase.test.name,
    location: testCase.location,
  };
}

type Identity = ReturnType<typeof caseIdentity>;

/** A case that got no reply (failed, cancelled, never sent): an error that spent nothing, so it still appears in every report. */
export function unsentResult(base: Identity | CaseResult, error: string): CaseResult {
  return {
    ...base,
    status: "error",
    output: "",
    latencyMs: 0,
    cached: false,
    tokens: { input: 0, output: 0 },
    costUsd: null,
    assertions: [],
    error,
  };
}
