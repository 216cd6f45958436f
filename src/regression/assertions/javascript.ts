import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadJavascriptParser, readJavascriptCode } from "../../prompt/javascript-code.js";
import { JAVASCRIPT_MODULE_PATH } from "../../prompt/javascript-value.js";
import { truncate } from "../../text/truncate.js";
import { type CheckDeadlines, type CheckJob, runCheckInThread } from "./check-thread.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeOutput, verdict } from "./messages.js";

/** What a check function is given besides the output and vars: the call's measurements. */
export interface CheckResult {
  output: string;
  tokens: { input: number; output: number };
  latencyMs: number;
  costUsd: number | null;
}

const LOOKS_LIKE_FILE = /^[\w.-]+\.[cm]?js$/;

/** A number result passes at this score unless the assertion sets its own `threshold`. */
export const DEFAULT_JAVASCRIPT_THRESHOLD = 0.5;

/** How long a check may run before it returns a value or a promise. */
export const JAVASCRIPT_TIMEOUT_MS = 5000;

/** How long the promise of an async check may take to settle: a check may call a service. */
export const JAVASCRIPT_ASYNC_TIMEOUT_MS = 30_000;

/** The deadlines a check runs under in a test run. */
export const JAVASCRIPT_DEADLINES: CheckDeadlines = {
  syncMs: JAVASCRIPT_TIMEOUT_MS,
  asyncMs: JAVASCRIPT_ASYNC_TIMEOUT_MS,
};

async function javascript(value: unknown, context: AssertionContext): Promise<AssertionOutcome> {
  return javascriptCheck(value, context, JAVASCRIPT_DEADLINES);
}

/** A `javascript` assertion, run on a thread of its own (check-thread.ts) under the given deadlines. */
export async function javascriptCheck(
  value: unknown,
  context: AssertionContext,
  deadlines: CheckDeadlines,
): Promise<AssertionOutcome> {
  const spec = javascriptSpec(value);
  if (!spec) return badValue("javascript", "a module path, an expression or { code, threshold }", value);
  const { code, threshold } = spec;
  const isModule = JAVASCRIPT_MODULE_PATH.test(code);
  const label = isModule ? code : `\`${oneLine(code)}\``;
  const target = isModule ? moduleUrl(code, context.promptDir) : await compileCode(code);
  if ("problem" in target) return verdict(false, `${label}: ${target.problem}`);

  // The check gets copies (the thread's messages are copies): one that mutates vars or result
  // cannot change what later assertions see.
  const result: CheckResult = {
    output: context.output,
    tokens: { ...context.tokens },
    latencyMs: context.latencyMs,
    costUsd: context.costUsd,
  };
  const job: CheckJob = { ...target, output: context.output, vars: context.vars, result };
  const outcome = await runCheckInThread(job, deadlines);
  switch (outcome.kind) {
    case "returned":
      return interpret(outcome.value, label, context.output, threshold);
    case "unsendable":
      return verdict(false, `${label} returned ${truncate(outcome.shown, 40)}; ${RETURN_SHAPE}`);
    case "unusable":
      return verdict(false, `${label}: ${outcome.message}`);
    case "sync-timeout":
      return verdict(
        false,
        `${label} did not finish within ${deadlines.syncMs} ms: a check must return promptly`,
      );
    case "async-timeout":
      return verdict(false, `${label} returned a promise that did not settle within ${deadlines.asyncMs} ms`);
    case "died":
      return verdict(false, `${label} ended its thread: ${outcome.message}`);
    case "threw": {
      const hint =
        !isModule && outcome.name === "ReferenceError" && LOOKS_LIKE_FILE.test(code)
          ? ` (for a module, write ./${code})`
          : "";
      return verdict(false, `${label} threw: ${outcome.message}${hint}`);
    }
  }
}

/** `javascript: "code"` or `{ code, threshold }`; undefined for any other shape. */
function javascriptSpec(value: unknown): { code: string; threshold: number } | undefined {
  const spec = typeof value === "string" ? { code: value } : (value as Record<string, unknown> | null);
  if (typeof spec !== "object" || spec === null) return undefined;
  const { code, threshold = DEFAULT_JAVASCRIPT_THRESHOLD } = spec;
  if (typeof code !== "string" || code.trim() === "") return undefined;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) return undefined;
  return { code: code.trim(), threshold };
}

/** The module's file URL, or why there is none. The thread keeps each module loaded once. */
function moduleUrl(path: string, promptDir: string): { kind: "module"; url: string } | { problem: string } {
  const file = isAbsolute(path) ? path : resolve(promptDir, path);
  if (!existsSync(file)) return { problem: `module not found (looked for ${file})` };
  return { kind: "module", url: pathToFileURL(file).href };
}

/**
 * The code as the function body validate also reads (javascript-code.ts). The code is the prompt
 * author's, run with the same trust as a check module: its thread is a deadline, not a sandbox.
 */
async function compileCode(code: string): Promise<{ kind: "code"; body: string } | { problem: string }> {
  let reading = readJavascriptCode(code);
  if (!reading) {
    await loadJavascriptParser();
    reading = readJavascriptCode(code);
  }
  if (!reading) return { problem: "does not compile: no JavaScript parser" };
  if ("body" in reading) return { kind: "code", body: reading.body };
  const where = reading.at ? ` (line ${reading.at.line0 + 1}, column ${reading.at.col0 + 1})` : "";
  return { problem: `does not compile: ${reading.problem}${where}` };
}

const RETURN_SHAPE = "expected true/false, a score from 0 to 1, or { pass, score?, reason? }";

/** true/false; a number is a score that passes at the threshold; an object may set both and give a reason. */
function interpret(returned: unknown, label: string, output: string, threshold: number): AssertionOutcome {
  if (typeof returned === "boolean")
    return verdict(
      returned,
      returned ? `${label} returned true` : `${label} returned false; ${describeOutput(output)}`,
    );
  if (typeof returned === "number") {
    const problem = scoreProblem(returned);
    if (problem) return verdict(false, `${label} returned ${problem}`);
    const pass = returned >= threshold;
    const message = `${label} scored ${returned} (passes at ${threshold})${pass ? "" : `; ${describeOutput(output)}`}`;
    return { pass, score: returned, message };
  }
  if (typeof returned === "object" && returned !== null && "pass" in returned) {
    const { pass, score, reason } = returned as { pass: unknown; score?: unknown; reason?: unknown };
    if (typeof pass !== "boolean")
      return verdict(false, `${label} returned { pass: ${show(pass)} }; pass must be true or false`);
    if (score !== undefined && (typeof score !== "number" || scoreProblem(score)))
      return verdict(false, `${label} returned score ${show(score)}; a score is from 0 to 1`);
    const because = typeof reason === "string" && reason !== "" ? `: ${reason}` : "";
    const outcome = `${label} returned pass: ${pass}${score === undefined ? "" : `, score: ${score}`}${because}`;
    return { pass, score: (score as number | undefined) ?? (pass ? 1 : 0), message: outcome };
  }
  const found = returned === undefined ? "undefined (is a `return` missing?)" : show(returned);
  return verdict(false, `${label} returned ${found}; ${RETURN_SHAPE}`);
}

function scoreProblem(score: number): string | undefined {
  if (Number.isNaN(score) || score < 0 || score > 1) return `${score}; a score is from 0 to 1`;
  return undefined;
}

function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "object" || typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    text = String(value);
  }
  return truncate(text, 40);
}

function oneLine(code: string): string {
  return truncate(code.replace(/\s+/g, " "), 60);
}

export const javascriptAssertions: Record<string, AssertionHandler> = { javascript };
