import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The validators in src/schemas/generated/ are build output kept beside the source (git-ignores
 * them): written here too, so a test run from a fresh clone or after a schema edit uses current ones.
 * The script rewrites only what its inputs changed.
 */
export function setup(): void {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL("../../scripts/compile-schemas.mjs", import.meta.url))],
    {
      stdio: "inherit",
    },
  );
}
