type Acorn = typeof import("acorn");

/** The function body a `javascript` check's code becomes, or why it has none. */
export type JavascriptCode =
  | { body: string }
  | {
      problem: string;
      /** Where in the code (0-based, in the code as written) the parser stopped, when it says. */
      at?: { line0: number; col0: number };
    };

let acorn: Acorn | undefined;

/**
 * Loads the parser a check written as a block needs. It is loaded lazily: a project whose checks
 * are all one-line expressions, or that runs none, never reads it.
 */
export async function loadJavascriptParser(): Promise<void> {
  acorn ??= await import("acorn");
}

const cache = new Map<string, JavascriptCode | undefined>();

/**
 * What `validate` says about a check's code and what `test` runs are one reading: an expression
 * (`output.length < 400`), or else a block whose last expression statement is its result, as in
 * promptfoo (an explicit `return` works too). Where a block's last statement is, and what is wrong
 * with code that does not parse, come from a real JavaScript parser (acorn): a regex cannot tell a
 * `;` in a string from the end of a statement, and V8's message for the expression reading names a
 * parenthesis the author never wrote. Undefined when the parser is needed and not loaded yet.
 */
export function readJavascriptCode(code: string): JavascriptCode | undefined {
  if (cache.has(code)) return cache.get(code);
  // An expression first, so a one-liner costs no parser. The newline before `)` keeps a trailing
  // `// comment` from swallowing the parenthesis.
  const trimmed = code.trim();
  const expression = `return (${trimmed.replace(/;\s*$/, "")}\n);`;
  let reading: JavascriptCode | undefined = compiles(expression) ? { body: expression } : undefined;
  if (!reading && acorn) reading = readBlock(acorn, code, trimmed);
  if (reading) cache.set(code, reading);
  return reading;
}

function readBlock(parser: Acorn, code: string, trimmed: string): JavascriptCode {
  let program: import("acorn").Program;
  try {
    program = parser.parse(trimmed, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowReturnOutsideFunction: true,
    });
  } catch (error) {
    return parseProblem(error, code, trimmed);
  }
  const last = program.body.at(-1);
  let body = trimmed;
  if (last?.type === "ExpressionStatement" && !("directive" in last)) {
    // The statement's own range, not its expression's: `({ pass })` has parentheses outside the latter.
    const statement = trimmed.slice(last.start, last.end).replace(/;$/, "");
    body = `${trimmed.slice(0, last.start)}return (${statement}\n);${trimmed.slice(last.end)}`;
  }
  const problem = compileProblem(body);
  return problem === undefined ? { body } : { problem };
}

/** Acorn's message without its own `(line:col)`, and where that is in the code as written. */
function parseProblem(error: unknown, code: string, trimmed: string): JavascriptCode {
  const message = error instanceof Error ? error.message.replace(/ \(\d+:\d+\)$/, "") : String(error);
  const pos = (error as { pos?: unknown }).pos;
  if (typeof pos !== "number") return { problem: message };
  const atEnd = pos >= trimmed.length && /^Unexpected token/.test(message);
  const offset = code.indexOf(trimmed) + pos;
  const before = code.slice(0, offset);
  const line0 = before.split("\n").length - 1;
  const col0 = offset - (before.lastIndexOf("\n") + 1);
  return {
    problem: atEnd ? "unexpected end of the code" : message,
    at: { line0, col0 },
  };
}

function compiles(body: string): boolean {
  return compileProblem(body) === undefined;
}

function compileProblem(body: string): string | undefined {
  try {
    new Function("output", "vars", "result", body);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
