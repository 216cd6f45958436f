import { lstatSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PromptOpsError } from "../../errors.js";

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.(?:ts|mts|cts)$|\.d\.[^.]+\.ts$/;
// Installed and built code is not the user's to extract from.
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", ".git"]);

/**
 * The source files under the given paths (files or folders), sorted, absolute. Links to folders are
 * not followed (a link cycle would never end); a named file is taken whatever its folder.
 */
export function sourceFilesUnder(cwd: string, paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = lstatSync(absolute, { throwIfNoEntry: false });
    if (!info) {
      throw new PromptOpsError("extract-path-not-found", `${path}: no such file or folder`, {
        hint: "name the folders or files that hold your code, e.g. promptops extract src/",
        exitCode: 2,
      });
    }
    if (info.isDirectory()) walk(absolute, found);
    else if (isSourceFile(absolute)) found.add(absolute);
  }
  return [...found].sort();
}

function walk(dir: string, found: Set<string>): void {
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(path);
      } else if (entry.isFile() && isSourceFile(path)) found.add(path);
    }
  }
}

function isSourceFile(path: string): boolean {
  return SOURCE_FILE.test(path) && !DECLARATION_FILE.test(path);
}
