import { readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import type * as ts from "@typescript/typescript6";
import { PromptOpsError } from "../../errors.js";
import type { ExtractedPrompt, ExtractResult } from "../extract/extracted-prompt.js";
import type { TypeScriptApi as TypeScript } from "../extract/load-typescript.js";
import { CallSiteProblem, callSiteEdit } from "./call-site-edit.js";
import {
  commonJsPromptsModule,
  esmPromptsModule,
  existingImport,
  GENERATED_MARKER,
  importEdit,
  importLine,
  type ModuleFormat,
  moduleFormatOf,
  moduleSpecifier,
  type PromptsModule,
} from "./prompts-module.js";
import { applyEdits, type TextEdit } from "./text-edits.js";
import { unusedDeclarationRemovals } from "./unused-declarations.js";

export interface RewriteOptions {
  /** The promptops project: the lockfile is `promptops.lock` in it. */
  root: string;
  /** The environment the generated module loads unless PROMPTOPS_ENV says otherwise. */
  env: string;
  /** Tests inject a failing write here, to see the files already written put back. */
  writeFile?: (file: string, text: string) => Promise<void>;
}

/** One file as it is and as it will be written; `before` undefined for a file --write creates. */
export interface PlannedFile {
  file: string;
  before: string | undefined;
  after: string;
}

export interface RewritePlan {
  files: PlannedFile[];
  /** The prompts whose call sites are rewritten. */
  rewritten: ExtractedPrompt[];
  /** The prompts extract could not prove safe to rewrite: left as written, with the reasons. */
  leftAlone: ExtractedPrompt[];
}

/**
 * Every file's edits, worked out before anything is written: each call site without a rewrite
 * blocker becomes a runtime call, each rewritten file imports the generated `prompts` module, and
 * what the edits leave unused goes. One call site that cannot be rewritten refuses the whole plan,
 * listing every reason, so an app is never left half-rewritten.
 */
export function planRewrite(
  typescript: TypeScript,
  result: ExtractResult,
  options: RewriteOptions,
): RewritePlan {
  const rewritten = result.prompts.filter((p) => p.rewriteBlockers.length === 0);
  const leftAlone = result.prompts.filter((p) => p.rewriteBlockers.length > 0);
  const byFile = new Map<string, ExtractedPrompt[]>();
  for (const prompt of rewritten)
    byFile.set(prompt.call.file, [...(byFile.get(prompt.call.file) ?? []), prompt]);
  if (byFile.size === 0) return { files: [], rewritten, leftAlone };

  const problems: string[] = [];
  const formats = new Map<string, ModuleFormat>();
  let undecidedFormat = false;
  for (const file of byFile.keys()) {
    const format = moduleFormatOf(file);
    if (format) formats.set(file, format);
    else {
      undecidedFormat = true;
      problems.push(
        `${relative(options.root, file)}: Node would load it as CommonJS or as an ES module depending on how it is compiled (no "type": "module" in package.json): --write cannot choose how it gets its prompts`,
      );
    }
  }
  const modules = generatedModules([...byFile.keys()], formats, options);
  const files: PlannedFile[] = [];
  for (const module of Object.values(modules)) {
    if (!module) continue;
    const before = readIfExists(module.file);
    if (before !== undefined && !before.startsWith(GENERATED_MARKER)) {
      problems.push(
        `${relative(options.root, module.file)} exists and was not written by promptops: --write would replace it`,
      );
    } else if (before !== module.text) files.push({ file: module.file, before, after: module.text });
  }
  for (const [file, prompts] of byFile) {
    const format = formats.get(file);
    const module = format && modules[format];
    if (!module) continue;
    try {
      files.push(rewriteFile(typescript, options.root, file, prompts, format, module));
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      problems.push(...error.reasons);
    }
  }
  if (problems.length > 0) {
    // The prompt files are written by then (extract's part): say the code is what was left alone.
    const fix = undecidedFormat
      ? 'if the app runs as ES modules, add "type": "module" to package.json; if it compiles to CommonJS, rewrite the call sites by hand with loadPromptsSync'
      : "fix this, or run extract without --write and rewrite this call site by hand";
    throw new PromptOpsError("rewrite-refused", `--write left every call site as written: ${problems[0]}`, {
      hint:
        problems.length > 1
          ? `${fix}; and ${problems.length - 1} more: ${problems.slice(1).join("; ")}`
          : fix,
    });
  }
  return { files, rewritten, leftAlone };
}

class FileProblem extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join("; "));
  }
}

/** One generated module per format in use, in the folder that holds every rewritten file. */
function generatedModules(
  files: readonly string[],
  formats: ReadonlyMap<string, ModuleFormat>,
  options: RewriteOptions,
): Partial<Record<ModuleFormat, PromptsModule>> {
  const dir = commonDirectory(files.map((file) => dirname(file)));
  const lockfile = join(options.root, "promptops.lock");
  const esm = files.filter((file) => formats.get(file) === "esm");
  const typescript = esm.some((file) => /\.[mc]?tsx?$/.test(extname(file)));
  const esmName = typescript
    ? "prompts.ts"
    : moduleFormatOf(join(dir, "prompts.js")) === "esm"
      ? "prompts.js"
      : "prompts.mjs";
  return {
    esm: esm.length > 0 ? esmPromptsModule(join(dir, esmName), lockfile, options.env) : undefined,
    commonjs: files.some((file) => formats.get(file) === "commonjs")
      ? commonJsPromptsModule(join(dir, "prompts.cjs"), lockfile, options.env)
      : undefined,
  };
}

function commonDirectory(dirs: readonly string[]): string {
  let common = dirs[0]!.split(sep);
  for (const dir of dirs.slice(1)) {
    const parts = dir.split(sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep) || sep;
}

function rewriteFile(
  typescript: TypeScript,
  root: string,
  file: string,
  prompts: readonly ExtractedPrompt[],
  format: ModuleFormat,
  module: PromptsModule,
): PlannedFile {
  const before = readIfExists(file);
  if (before === undefined) throw new FileProblem([`${relative(root, file)} no longer exists`]);
  const source = typescript.createSourceFile(
    file,
    before,
    typescript.ScriptTarget.Latest,
    true,
    scriptKind(typescript, file),
  );
  const specifier = moduleSpecifier(file, module.file);
  const imported = existingImport(typescript, source, specifier);
  const registry = imported ?? freeName(typescript, source);
  const reasons: string[] = [];
  if (!registry) reasons.push(`${file}: both \`prompts\` and \`promptRegistry\` are names in use here`);
  const edits: TextEdit[] = [];
  for (const prompt of prompts) {
    try {
      edits.push(callSiteEdit(typescript, source, prompt, registry ?? "prompts"));
    } catch (error) {
      if (!(error instanceof CallSiteProblem)) throw error;
      const { line, col } = prompt.call;
      reasons.push(`${relative(root, file)}:${line}:${col}: ${prompt.id}: ${error.message}`);
    }
  }
  if (reasons.length > 0) throw new FileProblem(reasons);
  const removals = unusedDeclarationRemovals(typescript, source, edits);
  const insertion = imported
    ? []
    : [importEdit(typescript, source, importLine(format, registry!, specifier), removals)];
  return { file, before, after: applyEdits(before, [...edits, ...removals, ...insertion]) };
}

function freeName(typescript: TypeScript, source: ts.SourceFile): string | undefined {
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (typescript.isIdentifier(node)) used.add(node.text);
    typescript.forEachChild(node, visit);
  };
  visit(source);
  return ["prompts", "promptRegistry"].find((name) => !used.has(name));
}

function scriptKind(typescript: TypeScript, file: string): ts.ScriptKind {
  const kinds: Record<string, ts.ScriptKind> = {
    ".ts": typescript.ScriptKind.TS,
    ".mts": typescript.ScriptKind.TS,
    ".cts": typescript.ScriptKind.TS,
    ".tsx": typescript.ScriptKind.TSX,
    ".jsx": typescript.ScriptKind.JSX,
  };
  return kinds[extname(file)] ?? typescript.ScriptKind.JS;
}

export function readIfExists(file: string): string | undefined {
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) return undefined;
  // A FIFO would block the read until a writer came: --write would hang instead of refusing.
  if (!info.isFile()) {
    throw new PromptOpsError("rewrite-write-failed", `${file} is not a regular file`, {
      hint: "nothing was written: --write reads and replaces regular files only",
    });
  }
  return readFileSync(file, "utf8");
}
