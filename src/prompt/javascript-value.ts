import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { readJavascriptCode } from "./javascript-code.js";

// A module path is one word ending in .js/.mjs/.cjs with a slash in it (`./checks/tone.mjs`);
// anything else is an expression. The slash keeps `vars.file.js` an expression.
export const JAVASCRIPT_MODULE_PATH = /^[^\s'"`()]*[/\\][^\s'"`()]*\.[cm]?js$/;

export interface JavascriptValueProblem {
  message: string;
  hint: string;
  /** Where in the value (0-based) the problem is, when the parser says. */
  at?: { line0: number; col0: number };
}

const CODE_HINT =
  "an expression (`output.length < 400`), a function body with `return`, or a module path such as ./checks/tone.mjs";

/**
 * What is wrong with a `javascript` value before it runs: a module that is not there, or code that
 * the runner could not compile (the same reading: javascript-code.ts). The code is compiled, never
 * called: validate runs nothing a prompt file says. A block needs the parser loaded
 * (loadJavascriptParser); without it, V8 alone judges whether the block compiles.
 */
export function javascriptValueProblem(
  value: string,
  promptFile: string,
): JavascriptValueProblem | undefined {
  const code = value.trim();
  if (JAVASCRIPT_MODULE_PATH.test(code)) {
    const file = isAbsolute(code) ? code : resolve(dirname(promptFile), code);
    if (existsSync(file)) return undefined;
    return {
      message: `javascript: module ${code} not found`,
      hint: "a module path is relative to the prompt file's folder",
    };
  }
  const reading = readJavascriptCode(value) ?? v8Reading(code);
  if ("body" in reading) return undefined;
  return {
    message: `javascript: does not parse: ${reading.problem}`,
    hint: CODE_HINT,
    ...(reading.at ? { at: reading.at } : {}),
  };
}

function v8Reading(code: string): { body: string } | { problem: string; at?: undefined } {
  try {
    new Function("output", "vars", "result", code);
    return { body: code };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
