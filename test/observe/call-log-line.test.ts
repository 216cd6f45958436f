import { describe, expect, it } from "vitest";
import { parseCallLogLine } from "../../src/observe/call-log-line.js";

const call = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    ts: "2026-12-04T10:00:00.000Z",
    traceId: "t1",
    env: "production",
    prompt: "support-agent",
    version: 3,
    hash: "sha256:aa",
    model: "openai:gpt-4o-mini",
    latencyMs: 812,
    tokens: { input: 350, output: 75 },
    costUsd: 0.0002,
    status: "ok",
    vars: { userMessage: "hi" },
    output: "hello",
    ...fields,
  });

describe("reading one line of a call log", () => {
  it("reads a call with the fields DESIGN.md section 8 lists, ignoring fields it does not know", () => {
    const line = parseCallLogLine(call({ region: "eu-west-1", sampled: true }));
    expect(line).toMatchObject({
      kind: "call",
      at: Date.parse("2026-12-04T10:00:00.000Z"),
      prompt: "support-agent",
      version: 3,
      model: "openai:gpt-4o-mini",
      latencyMs: 812,
      tokens: { input: 350, output: 75 },
      costUsd: 0.0002,
      status: "ok",
    });
  });

  it("names the model as provider:name whether the log wrote a string or prepare's { provider, name }", () => {
    const line = parseCallLogLine(call({ model: { provider: "anthropic", name: "claude-haiku-4-5" } }));
    expect(line).toMatchObject({ kind: "call", model: "anthropic:claude-haiku-4-5" });
  });

  it("reads a feedback line by its trace id", () => {
    expect(parseCallLogLine('{"traceId":"t1","feedback":{"score":0.5,"comment":"ok"}}')).toEqual({
      kind: "feedback",
      traceId: "t1",
      score: 0.5,
      comment: "ok",
    });
  });

  it("keeps an unpriced call's cost unknown, and wrong-typed numbers out of the sums", () => {
    const line = parseCallLogLine(
      call({ costUsd: null, latencyMs: "fast", tokens: { input: "x", output: 3 } }),
    );
    expect(line).toMatchObject({ costUsd: null, latencyMs: undefined, tokens: { input: 0, output: 3 } });
  });

  it.each([
    ["{not json", "not JSON"],
    ["[1,2]", "not a JSON object"],
    [call({ prompt: undefined }), "no prompt id"],
    [call({ version: 2.5 }), "no version"],
    [call({ ts: "yesterday" }), "no valid ts"],
    ['{"feedback":{"score":1}}', "feedback without a traceId"],
  ])("says why %s is malformed", (text, reason) => {
    expect(parseCallLogLine(text)).toEqual({ kind: "malformed", reason });
  });
});
