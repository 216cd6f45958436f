import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaseResult, RunResults } from "../../src/regression/results.js";

export const OPENAI_KEY = "sk-proj-Abc123_def456-GHI789jklMNO";
export const ANTHROPIC_KEY = "sk-ant-api03-ZyX987_wvu654-TSR321qpo";

const hash = (digit: string) => `sha256:${digit.repeat(64)}`;

export const passed: CaseResult = {
  prompt: "support-agent",
  version: "draft",
  hash: hash("a"),
  provider: "openai:gpt-4o-mini",
  test: "mentions refund window",
  status: "pass",
  output: "You can ask for a refund within 30 days.",
  latencyMs: 812,
  cached: false,
  tokens: { input: 350, output: 75 },
  costUsd: 0.0002,
  assertions: [{ type: "contains", pass: true, score: 1, message: 'output contains "refund"' }],
  location: { file: "prompts/support-agent.prompt.yaml", line: 12 },
};

/** Two failed assertions, a passing one, and a reply full of things XML and terminals dislike. */
export const failed: CaseResult = {
  prompt: "support-agent",
  version: "draft",
  hash: hash("a"),
  provider: "openai:gpt-4o-mini",
  test: 'answers "short", politely',
  status: "fail",
  output: `Dear <customer> & co,\u001b[31m here is a very long answer\u0000 that goes on. ${"blah ".repeat(100)}`,
  latencyMs: 1534,
  cached: false,
  tokens: { input: 360, output: 240 },
  costUsd: 0.0004,
  assertions: [
    { type: "max-length", pass: false, score: 0, message: "expected at most 200 characters, found 563" },
    { type: "not-contains", pass: false, score: 0, message: 'expected no "Dear", found "Dear" at 0' },
    { type: "starts-with", pass: true, score: 1, message: 'output starts with "Dear"' },
  ],
  location: { file: "prompts/support-agent.prompt.yaml", line: 20 },
};

/** The provider failed; its error text echoes a key back, after a newline. */
export const errored: CaseResult = {
  prompt: "support-agent",
  version: "draft",
  hash: hash("a"),
  provider: "anthropic:claude-3-5-haiku",
  test: "mentions refund window",
  status: "error",
  output: "",
  latencyMs: 30000,
  cached: false,
  tokens: { input: 0, output: 0 },
  costUsd: null,
  assertions: [],
  error: `529 overloaded_error (3 attempts)\nx-api-key: ${ANTHROPIC_KEY}`,
  location: { file: "prompts/support-agent.prompt.yaml", line: 12 },
};

/** A published version, from the cache, with a model whose price is unknown. */
export const cached: CaseResult = {
  prompt: "billing/refund",
  version: 3,
  hash: hash("b"),
  provider: "openai:my-finetune",
  test: "quotes the policy | verbatim",
  status: "pass",
  output: `Policy: refunds within 30 days. (debug: ${OPENAI_KEY})`,
  latencyMs: 2,
  cached: true,
  tokens: { input: 120, output: 30 },
  costUsd: null,
  assertions: [{ type: "icontains", pass: true, score: 1, message: 'output contains "policy"' }],
};

export const allCases = [passed, failed, errored, cached];

export function runResults(results: CaseResult[] = allCases): RunResults {
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const costs = results.map((r) => r.costUsd);
  return {
    summary: {
      total: results.length,
      passed: count("pass"),
      failed: count("fail"),
      errors: count("error"),
      durationMs: 5321,
      tokens: {
        input: results.reduce((n, r) => n + r.tokens.input, 0),
        output: results.reduce((n, r) => n + r.tokens.output, 0),
      },
      costUsd: costs.includes(null) ? null : costs.reduce((n: number, c) => n + (c ?? 0), 0),
    },
    results,
  };
}

export interface FakeStream {
  stream: NodeJS.WriteStream;
  chunks: string[];
  text(): string;
}

/** Collects what a reporter writes; `isTTY` decides between live and plain output. */
export function fakeStream(isTTY: boolean, columns = 120): FakeStream {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns,
    write(chunk: string) {
      chunks.push(String(chunk));
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, chunks, text: () => chunks.join("") };
}

export interface TempDir {
  path: string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "promptops-reporters-"));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
