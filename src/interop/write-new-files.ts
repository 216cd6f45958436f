import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PromptOpsError } from "../errors.js";
import { writeFileAtomicSync } from "../fs/write-file-atomic.js";

/**
 * Writes every planned file atomically, unless one already exists and `force` is off: then
 * nothing is written. Imports and exports replace a user's file only when asked to.
 */
export function writeNewFiles(
  files: ReadonlyArray<{ path: string; text: string }>,
  force: boolean,
  code: "import-would-overwrite" | "export-would-overwrite",
  elsewhere: string,
): void {
  const existing = files.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !force)
    throw new PromptOpsError(code, "already exists: nothing written", {
      hint: `${elsewhere}, or pass --force to replace ${existing.length === 1 ? "it" : `these ${existing.length} files`}`,
      location: { file: existing[0]!.path },
    });
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileAtomicSync(f.path, f.text);
  }
}
