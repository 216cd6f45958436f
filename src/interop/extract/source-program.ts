import { readFileSync, statSync } from "node:fs";
import type * as TS from "@typescript/typescript6";
import type { TypeScriptApi } from "./load-typescript.js";

/** A source file that was not read, and why: too large, too deeply nested, or not valid syntax. */
export interface SkippedFile {
  file: string;
  line: number;
  col: number;
  reason: string;
}

export interface SourceProgram {
  program: TS.Program;
  checker: TS.TypeChecker;
  /** The user's files to look for prompts in (those under the paths, that parsed). */
  files: TS.SourceFile[];
  skipped: SkippedFile[];
}

// Source files are untrusted input: one that is huge or nested beyond what any hand-written code
// is must cost bounded time and never overflow the stack (the parser, binder and checker recurse).
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
export const MAX_NESTING = 500;

/**
 * A program over the files, type-checked enough to ask what a client variable is. Our own options,
 * not the user's tsconfig: allowJs so that JavaScript is read too, strict so that a value that may
 * be undefined says so. Files that cannot be read safely are skipped and listed with where and why.
 */
export function createSourceProgram(ts: TypeScriptApi, files: readonly string[]): SourceProgram {
  const options: TS.CompilerOptions = {
    allowJs: true,
    checkJs: false,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    jsx: ts.JsxEmit.Preserve,
    types: [],
    // No DOM: it is 2 MB of types that say nothing about a prompt.
    lib: ["lib.es2022.d.ts"],
  };
  const skipped: SkippedFile[] = [];
  const parsed = new Map<string, TS.SourceFile | undefined>();
  const host = ts.createCompilerHost(options, true);
  const defaultGetSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    // Installed packages (the SDKs' types, the compiler's lib files) are trusted like any dependency.
    if (fileName.includes("/node_modules/"))
      return defaultGetSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (!parsed.has(fileName)) parsed.set(fileName, parseGuarded(ts, fileName, skipped));
    return parsed.get(fileName);
  };
  const program = ts.createProgram({ rootNames: [...files], options, host });
  const checker = program.getTypeChecker();
  const wanted = new Set(files);
  const sources = program.getSourceFiles().filter((file) => wanted.has(file.fileName));
  return { program, checker, files: sources, skipped: dedupe(skipped) };
}

function parseGuarded(
  ts: TypeScriptApi,
  fileName: string,
  skipped: SkippedFile[],
): TS.SourceFile | undefined {
  const info = statSync(fileName, { throwIfNoEntry: false });
  if (!info) return undefined;
  // A FIFO would block the read for ever, a folder (a link to one named like code) cannot be read.
  if (!info.isFile()) {
    skipped.push({ file: fileName, line: 1, col: 1, reason: "not a regular file" });
    return undefined;
  }
  if (info.size > MAX_SOURCE_BYTES) {
    skipped.push({
      file: fileName,
      line: 1,
      col: 1,
      reason: `larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB`,
    });
    return undefined;
  }
  const text = readFileSync(fileName, "utf8");
  let source: TS.SourceFile;
  try {
    source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    skipped.push({ file: fileName, line: 1, col: 1, reason: "nested too deeply to parse" });
    return undefined;
  }
  const syntax = (source as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (syntax.length > 0) {
    const first = syntax[0]!;
    const { line, character } = source.getLineAndCharacterOfPosition(first.start ?? 0);
    skipped.push({
      file: fileName,
      line: line + 1,
      col: character + 1,
      reason: `syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, " ").replace(/\.$/, "")}`,
    });
    return undefined;
  }
  const deepest = nestingAt(ts, source);
  if (deepest) {
    const { line, character } = source.getLineAndCharacterOfPosition(deepest.getStart(source));
    skipped.push({
      file: fileName,
      line: line + 1,
      col: character + 1,
      reason: `nested more than ${MAX_NESTING} levels deep`,
    });
    return undefined;
  }
  return source;
}

/** The first node deeper than MAX_NESTING, found without recursion. */
function nestingAt(ts: TypeScriptApi, source: TS.SourceFile): TS.Node | undefined {
  const stack: Array<[TS.Node, number]> = [[source, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_NESTING) return node;
    ts.forEachChild(node, (child) => {
      stack.push([child, depth + 1]);
    });
  }
  return undefined;
}

function dedupe(skipped: SkippedFile[]): SkippedFile[] {
  const seen = new Set<string>();
  return skipped.filter((s) => !seen.has(s.file) && seen.add(s.file));
}
