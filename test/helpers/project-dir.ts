import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface ProjectDir {
  root: string;
  write(path: string, content: string): void;
  cleanup(): void;
}

/** A throwaway folder holding a promptops project laid out from a map of path -> content. */
export function makeProjectDir(files: Record<string, string> = {}): ProjectDir {
  const root = mkdtempSync(join(tmpdir(), "promptops-project-"));
  const write = (path: string, content: string) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
