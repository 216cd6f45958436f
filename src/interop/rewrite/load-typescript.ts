import { PromptOpsError } from "../../errors.js";
import { importAtRunTime } from "../../startup/import-at-run-time.js";

export type TypeScript = typeof import("@typescript/typescript6");

/**
 * The TypeScript 6 compiler API (TypeScript 7's native compiler has no JavaScript API), loaded only
 * when extract runs: it is 9 MB, an optional peer dependency like @anthropic-ai/sdk.
 */
export async function loadTypeScript(
  importer: () => Promise<unknown> = () => importAtRunTime("@typescript/typescript6"),
): Promise<TypeScript> {
  try {
    const loaded = (await importer()) as TypeScript & { default?: TypeScript };
    // A CommonJS package: import() gives its exports as `default`, and as named exports only where
    // Node's static analysis found them.
    return loaded.default ?? loaded;
  } catch (error) {
    throw new PromptOpsError(
      "typescript-missing",
      "extract reads code with the TypeScript compiler API, from the optional package @typescript/typescript6, which is not installed",
      { hint: "npm install -D @typescript/typescript6 (nothing was written)", cause: error },
    );
  }
}
