import { describe, expect, it } from "vitest";
import { callRecordLine } from "../../src/observe/call-record-line.js";

const prompt = { id: "a/b", version: 2, hash: "sha256:00", provider: "openai", model: "gpt-4o", params: {} };
const call = {
  traceId: "t",
  latencyMs: 1.5,
  tokens: null,
  costUsd: null,
  error: null,
  vars: {},
  output: null,
};

describe("a call record line is JSON built by hand, so it is checked against JSON.stringify's", () => {
  it("writes the start time as toISOString would, across seconds and short milliseconds", () => {
    const times = [
      0, 7, 45, 999, 1000, 1_733_370_312_005, 1_733_370_312_050, 1_733_370_312_999, 1_733_370_313_000,
    ];
    for (const startedAt of times) {
      const line = JSON.parse(callRecordLine(prompt, "prod", { ...call, startedAt }));
      expect(line.ts).toBe(new Date(startedAt).toISOString());
    }
  });

  it("escapes what the app and the lockfile put in it, and writes a function output as null", () => {
    const tricky = { ...prompt, id: 'quo"te\\', model: "line\nbreak" };
    const line = callRecordLine(tricky, 'e"nv', {
      ...call,
      startedAt: 0,
      traceId: '"t"',
      vars: { a: "\u2028</script>" },
      output: () => 1,
      error: { type: "x", message: 'bad "thing"' },
    });
    expect(JSON.parse(line)).toMatchObject({
      env: 'e"nv',
      prompt: 'quo"te\\',
      model: "line\nbreak",
      traceId: '"t"',
      vars: { a: "\u2028</script>" },
      output: null,
      status: "error",
      error: { type: "x", message: 'bad "thing"' },
    });
  });
});
