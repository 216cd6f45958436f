import { createRequire } from "node:module";
import { join } from "node:path";
import type * as TS from "@typescript/typescript6";
import { PromptOpsError } from "../../errors.js";
import { packageFile } from "../../startup/package-root.js";

/** The classic (JavaScript) TypeScript compiler API: createProgram, the type checker, the AST. */
export type TypeScriptApi = typeof TS;

/**
 * The packages that may hold the classic compiler API, in order. TypeScript 7 is native and has no
 * JavaScript API, so the user's own `typescript` serves only when it is 6 or older; Microsoft
 * publishes the classic API of TypeScript 6 as @typescript/typescript6 (our optional peer).
 */
export const TYPESCRIPT_PACKAGES = ["@typescript/typescript6", "typescript"] as const;

/**
 * Loads the compiler API only when `extract` runs (it is ~9 MB of JavaScript): first next to
 * promptops, then from the user's project at `cwd`. Exit 2 with what to install when none has it.
 */
export async function loadTypeScript(
  cwd: string,
  packages: readonly string[] = TYPESCRIPT_PACKAGES,
): Promise<TypeScriptApi> {
  // require, not import(): the compiler API is CommonJS, and import() would first scan its 9 MB
  // for named exports (0.4 s).
  const requirers = [createRequire(packageFile("package.json")), createRequire(join(cwd, "package.json"))];
  for (const name of packages) {
    for (const requireFrom of requirers) {
      let api: TypeScriptApi | undefined;
      try {
        api = classicApi(requireFrom(name));
      } catch {
        // not installed there: the next place, or the next package
      }
      if (api) return api;
    }
  }
  throw new PromptOpsError(
    "extract-typescript-missing",
    "promptops extract needs the TypeScript compiler API (TypeScript 6 or older), and none is installed",
    {
      hint: "npm install -D @typescript/typescript6 (TypeScript 7's native typescript package has no compiler API)",
      exitCode: 2,
    },
  );
}

function classicApi(module: unknown): TypeScriptApi | undefined {
  for (const candidate of [(module as { default?: unknown })?.default, module]) {
    if (typeof (candidate as { createProgram?: unknown })?.createProgram === "function")
      return candidate as TypeScriptApi;
  }
  return undefined;
}
