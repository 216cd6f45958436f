import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

// A module path is one word ending in .js/.mjs/.cjs with a slash in it (`./checks/tone.mjs`);
// anything else is an expression. The slash keeps `vars.file.js` an expression.
export const JAVASCRIPT_MODULE_PATH = /^[^\s'"`()]*[/\\][^\s'"`()]*\.[cm]?js$/;

export interface JavascriptValueProblem {
  message: string;
  hint: string;
}

/**
 * What is wrong with a `javascript` value before it runs: a module that is not there, or code that
 * does not compile, either as an expression or as a function body (the two readings the runner
 * tries). The code is compiled, never called: validate runs nothing a prompt file says.
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
  const asExpression = compileError(`return (${code.replace(/;\s*$/, "")}\n);`);
  if (asExpression === undefined) return undefined;
  const asBody = compileError(code);
  if (asBody === undefined) return undefined;
  return {
    message: `javascript: does not parse: ${/\breturn\b/.test(code) ? asBody : asExpression}`,
    hint: "an expression (`output.length < 400`), a function body with `return`, or a module path such as ./checks/tone.mjs",
  };
}

function compileError(body: string): string | undefined {
  try {
    new Function("output", "vars", "result", body);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
