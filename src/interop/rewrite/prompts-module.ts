import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import type * as ts from "@typescript/typescript6";
import type { TypeScriptApi as TypeScript } from "../extract/load-typescript.js";
import type { TextEdit } from "./text-edits.js";

/** How Node loads a file: decides whether its prompts can come from a module with top-level await. */
export type ModuleFormat = "esm" | "commonjs";

/** The first line of every module `--write` generates: it may replace its own file, never another. */
export const GENERATED_MARKER = "// Written by `promptops extract --write`";

export interface PromptsModule {
  file: string;
  text: string;
}

/**
 * The format Node gives a source file: by extension, else by the nearest package.json's "type".
 * A `.ts` file in a package without "type": "module" may be compiled to either; undefined then.
 */
export function moduleFormatOf(file: string): ModuleFormat | undefined {
  const extension = extname(file);
  if ([".mjs", ".mts"].includes(extension)) return "esm";
  if ([".cjs", ".cts"].includes(extension)) return "commonjs";
  const type = packageTypeOf(dirname(file));
  if (type === "module") return "esm";
  return [".js", ".jsx"].includes(extension) ? "commonjs" : undefined;
}

function packageTypeOf(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module"
          ? "module"
          : "commonjs";
      } catch {
        return undefined;
      }
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * The ES module the rewritten ESM files import `prompts` from: loadPrompts with top-level await, so
 * the lockfile is read and checked once, before the app's first line runs. The lockfile is found
 * next to the module (compiled output keeps the folder's depth) unless PROMPTOPS_LOCKFILE says
 * otherwise (a bundle, another layout); the environment comes from PROMPTOPS_ENV.
 */
export function esmPromptsModule(file: string, lockfile: string, env: string): PromptsModule {
  return {
    file,
    text: `${GENERATED_MARKER}: the registry the rewritten call sites render their prompts
// from, loaded once at start-up. PROMPTOPS_LOCKFILE and PROMPTOPS_ENV choose another lockfile or
// environment. Yours to edit: add \`watch: true\` to serve an activation or rollback without a restart.
import { fileURLToPath } from "node:url";
import { loadPrompts } from "promptops";

export const prompts = await loadPrompts({
  lockfile: process.env.PROMPTOPS_LOCKFILE ?? fileURLToPath(new URL(${JSON.stringify(relativeUrl(file, lockfile))}, import.meta.url)),
  env: process.env.PROMPTOPS_ENV ?? ${JSON.stringify(env)},
});
`,
  };
}

/**
 * The CommonJS twin, for files Node loads as CommonJS (no top-level await there): loadPromptsSync
 * reads the same lockfile through the same checks, synchronously, as require() reads code.
 */
export function commonJsPromptsModule(file: string, lockfile: string, env: string): PromptsModule {
  return {
    file,
    text: `${GENERATED_MARKER}: the registry the rewritten CommonJS call sites render their
// prompts from, read synchronously when first required. PROMPTOPS_LOCKFILE and PROMPTOPS_ENV choose
// another lockfile or environment.
const { join } = require("node:path");
const { loadPromptsSync } = require("promptops");

exports.prompts = loadPromptsSync({
  lockfile: process.env.PROMPTOPS_LOCKFILE ?? join(__dirname, ${JSON.stringify(relativeUrl(file, lockfile))}),
  env: process.env.PROMPTOPS_ENV ?? ${JSON.stringify(env)},
});
`,
  };
}

function relativeUrl(from: string, to: string): string {
  const path = relative(dirname(from), to).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

/** The specifier a file imports the generated module by: relative, with the extension Node loads. */
export function moduleSpecifier(from: string, generated: string): string {
  const loaded = generated.replace(/\.ts$/, ".js");
  return relativeUrl(from, loaded);
}

/** `import { prompts } from "./prompts.js";` or the `require` line, in the file's own style. */
export function importLine(format: ModuleFormat, local: string, specifier: string): string {
  const renamed = local !== "prompts";
  if (format === "commonjs") {
    return `const { ${renamed ? `prompts: ${local}` : local} } = require(${JSON.stringify(specifier)});`;
  }
  return `import { ${renamed ? `prompts as ${local}` : local} } from ${JSON.stringify(specifier)};`;
}

/** The name the file already imports the registry as, when an earlier --write added the import. */
export function existingImport(
  typescript: TypeScript,
  source: ts.SourceFile,
  specifier: string,
): string | undefined {
  for (const statement of source.statements) {
    if (
      typescript.isImportDeclaration(statement) &&
      typescript.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === specifier
    ) {
      const named = statement.importClause?.namedBindings;
      if (named && typescript.isNamedImports(named)) {
        const element = named.elements.find((e) => (e.propertyName ?? e.name).text === "prompts");
        if (element) return element.name.text;
      }
    }
    if (
      typescript.isVariableStatement(statement) &&
      statement.getText(source).includes(JSON.stringify(specifier))
    ) {
      const declaration = statement.declarationList.declarations[0];
      if (declaration && typescript.isObjectBindingPattern(declaration.name)) {
        const element = declaration.name.elements.find(
          (e) => ((e.propertyName ?? e.name) as ts.Identifier).text === "prompts",
        );
        if (element && typescript.isIdentifier(element.name)) return element.name.text;
      }
    }
  }
  return undefined;
}

/**
 * Where the import goes: after the file's last leading import (or `require` constant) that stays,
 * else before its first statement, after any header comment.
 */
export function importEdit(
  typescript: TypeScript,
  source: ts.SourceFile,
  line: string,
  removals: readonly TextEdit[],
): TextEdit {
  const removed = (node: ts.Node) =>
    removals.some((r) => r.start <= node.getStart(source) && node.getEnd() <= r.end);
  let last: ts.Statement | undefined;
  for (const statement of source.statements) {
    if (!typescript.isImportDeclaration(statement) && !isRequireStatement(typescript, statement)) break;
    if (!removed(statement)) last = statement;
  }
  if (last) return { start: last.getEnd(), end: last.getEnd(), text: `\n${line}` };
  const first = source.statements[0];
  const at = first ? first.getStart(source) : source.text.length;
  // Before a removed first statement's own comment lines, not among them.
  const start = removals.find((r) => r.start <= at && at < r.end)?.start ?? at;
  return { start, end: start, text: `${line}\n\n` };
}

function isRequireStatement(typescript: TypeScript, statement: ts.Statement): boolean {
  if (!typescript.isVariableStatement(statement)) return false;
  return statement.declarationList.declarations.every((declaration) => {
    const init = declaration.initializer;
    return (
      init !== undefined &&
      typescript.isCallExpression(init) &&
      typescript.isIdentifier(init.expression) &&
      init.expression.text === "require"
    );
  });
}
