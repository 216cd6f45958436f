import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The CLI keeps a code cache (bin/promptops.js); the suite's many CLI runs keep theirs in a folder
 * of their own, not in the developer's ~/.cache, and leave nothing behind.
 */
let dir: string | undefined;

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), "promptops-test-compile-cache-"));
  process.env.NODE_COMPILE_CACHE = dir;
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
