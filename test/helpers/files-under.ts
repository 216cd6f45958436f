import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under a folder, as sorted paths relative to it: a golden tree compares as one list. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
