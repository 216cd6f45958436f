import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * A file shipped with promptops (package.json, schemas/, judges/), by its path in the package.
 * The package root is found by walking up from this module, so the same code finds it from src/
 * (tests), tsc's dist/ and the CLI bundle in dist/bundle/, whose folders sit at different depths.
 */
export function packageFile(...path: string[]): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, "package.json"))) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
      dir = parent;
    }
    root = dir;
  }
  return join(root, ...path);
}
