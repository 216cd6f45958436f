import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { JAVASCRIPT_MODULE_PATH } from "../../prompt/javascript-value.js";
import { importAtRunTime } from "../../startup/import-at-run-time.js";
import { truncate } from "../../text/truncate.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeOutput, verdict } from "./messages.js";

/** What a check function is given besides the output and vars: the call's measurements. */
export interface CheckResult {
  output: string;
  tokens: { input: number; output: number };
  latencyMs: number;
  costUsd: number | null;
}

type CheckFunction = (...args: unknown[]) => unknown;

const LOOKS_LIKE_FILE = /^[\w.-]+\.[cm]?js$/;

/** A number result passes at this score unless the assertion sets its own `threshold`. */
export const DEFAULT_JAVASCRIPT_THRESHOLD = 0.5;

/**
 * How long a check's synchronous part may run. A check runs on the run's own thread: an endless
 * loop would otherwise freeze every case, the timers and Ctrl-C with it.
 */
export const JAVASCRIPT_TIMEOUT_MS = 5000;

/**
 * How long the promise of an async check may take to settle. A check may call a service, but one
 * whose promise never settles would leave the run waiting, or, with nothing else to wait for, end
 * it at once with Node's exit code 13 and not a word.
 */
export const JAVASCRIPT_ASYNC_TIMEOUT_MS = 30_000;

async function javascript(value: unknown, context: AssertionContext): Promise<AssertionOutcome> {
  const spec = javascriptSpec(value);
  if (!spec) return badValue("javascript", "a module path, an expression or { code, threshold }", value);
  const { code, threshold } = spec;
  const isModule = JAVASCRIPT_MODULE_PATH.test(code);
  const label = isModule ? code : `\`${oneLine(code)}\``;
  const check = isModule ? await loadModule(code, context.promptDir) : await compileCode(code);
  if (typeof check === "string") return verdict(false, `${label}: ${check}`);

  // A check gets copies: one that mutates vars or result must not change what later assertions see.
  const vars = structuredClone(context.vars);
  const result: CheckResult = {
    output: context.output,
    tokens: { ...context.tokens },
    latencyMs: context.latencyMs,
    costUsd: context.costUsd,
  };
  let returned: unknown;
  try {
    returned = await settleWithin(
      JAVASCRIPT_ASYNC_TIMEOUT_MS,
      callWithin(JAVASCRIPT_TIMEOUT_MS, () =>
        isModule ? check(context.output, { vars, result }) : check(context.output, vars, result),
      ),
    );
  } catch (error) {
    if (error instanceof CheckUnsettled)
      return verdict(
        false,
        `${label} returned a promise that did not settle within ${JAVASCRIPT_ASYNC_TIMEOUT_MS} ms`,
      );
    if ((error as { code?: unknown } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT")
      return verdict(
        false,
        `${label} did not finish within ${JAVASCRIPT_TIMEOUT_MS} ms: a check must return promptly`,
      );
    const message = error instanceof Error ? error.message : String(error);
    const hint =
      !isModule && error instanceof ReferenceError && LOOKS_LIKE_FILE.test(code)
        ? ` (for a module, write ./${code})`
        : "";
    return verdict(false, `${label} threw: ${message}${hint}`);
  }
  return interpret(returned, label, context.output, threshold);
}

const CURRENT_CHECK = Symbol.for("promptops.javascript-check");
// vm's timeout is the one way to stop synchronous code on this thread; the script only calls the
// check, in this context, so the check sees the same globals and realm as before.
let caller: import("node:vm").Script | undefined;

function callWithin(ms: number, call: () => unknown): unknown {
  caller ??= new Script(`globalThis[Symbol.for("promptops.javascript-check")]()`);
  const slot = globalThis as unknown as Record<symbol, unknown>;
  slot[CURRENT_CHECK] = call;
  try {
    return caller.runInThisContext({ timeout: ms });
  } finally {
    delete slot[CURRENT_CHECK];
  }
}

class CheckUnsettled extends Error {}

async function settleWithin(ms: number, value: unknown): Promise<unknown> {
  if (typeof (value as { then?: unknown } | null)?.then !== "function") return value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckUnsettled()), ms);
  });
  try {
    return await Promise.race([value, late]);
  } finally {
    clearTimeout(timer);
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

/** The function, or why there is none. Node caches each module, so a check file is loaded once. */
async function loadModule(path: string, promptDir: string): Promise<CheckFunction | string> {
  const file = isAbsolute(path) ? path : resolve(promptDir, path);
  if (!existsSync(file)) return `module not found (looked for ${file})`;
  let module: Record<string, unknown>;
  try {
    module = (await importAtRunTime(pathToFileURL(file).href)) as typeof module;
  } catch (error) {
    return `cannot load the module: ${error instanceof Error ? error.message : String(error)}`;
  }
  // A CommonJS `module.exports = { assert }` arrives as the default export's property.
  const candidates = [
    module.default,
    module.assert,
    (module.default as Record<string, unknown> | null)?.assert,
  ];
  const found = candidates.find((candidate) => typeof candidate === "function");
  return (found as CheckFunction | undefined) ?? "the module exports no default or named `assert` function";
}

const compiled = new Map<string, CheckFunction | string>();

/**
 * An expression (`output.length < 400`), or else a block: its last expression statement is its
 * result, as in promptfoo, and an explicit `return` works too. The code is the prompt author's,
 * run with the same trust as a check module: this is not a sandbox.
 */
async function compileCode(code: string): Promise<CheckFunction | string> {
  let entry = compiled.get(code);
  if (entry === undefined) {
    // Tried as an expression first, so a one-liner costs no parser. The newline before `)` keeps a
    // trailing `// comment` from swallowing the parenthesis.
    entry = compile(`return (${code.replace(/;\s*$/, "")}\n);`);
    if (typeof entry === "string") entry = await compileBlock(code);
    compiled.set(code, entry);
  }
  return entry;
}

/**
 * A block, its last statement made its result when it is an expression. Where that statement is
 * comes from a real JavaScript parser (acorn, loaded only for blocks): a regex cannot tell a `;` in
 * a string, a comment or a template literal from the end of a statement.
 */
async function compileBlock(code: string): Promise<CheckFunction | string> {
  const { parse } = await import("acorn");
  let program: import("acorn").Program;
  try {
    program = parse(code, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true });
  } catch (error) {
    return `does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
  const last = program.body.at(-1);
  if (last?.type !== "ExpressionStatement" || "directive" in last) return compile(code);
  // The statement's own range, not its expression's: `({ pass })` has parentheses outside the latter.
  const statement = code.slice(last.start, last.end).replace(/;$/, "");
  return compile(`${code.slice(0, last.start)}return (${statement}\n);${code.slice(last.end)}`);
}

function compile(body: string): CheckFunction | string {
  try {
    return new Function("output", "vars", "result", body) as CheckFunction;
  } catch (error) {
    return `does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** true/false; a number is a score that passes at the threshold; an object may set both and give a reason. */
function interpret(returned: unknown, label: string, output: string, threshold: number): AssertionOutcome {
  const shape = "expected true/false, a score from 0 to 1, or { pass, score?, reason? }";
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
  return verdict(false, `${label} returned ${found}; ${shape}`);
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
