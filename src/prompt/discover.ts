import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PROMPT_FILE_SUFFIX, promptIdFromFile } from "./prompt-id.js";

export interface PromptFileRef {
  id: string;
  /** Absolute path. */
  file: string;
}

/** Every *.prompt.yaml under promptsDir, sorted by id so every listing is stable. */
export function discoverPromptFiles(promptsDir: string): PromptFileRef[] {
  return listFiles(promptsDir)
    .filter((file) => file.endsWith(PROMPT_FILE_SUFFIX))
    .map((file) => ({ id: promptIdFromFile(promptsDir, file), file }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Partials (every file that is not a prompt), as include names relative to promptsDir. */
export function discoverPartialNames(promptsDir: string): string[] {
  return listFiles(promptsDir)
    .filter((file) => !file.endsWith(PROMPT_FILE_SUFFIX))
    .map((file) => promptIdFromFile(promptsDir, `${file}${PROMPT_FILE_SUFFIX}`));
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      // Hidden folders (.git, editor state) and node_modules never hold a project's prompts.
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      // FIFOs, sockets and devices are listed too: reading one (project-file.ts) reports it as not
      // a regular file, rather than leaving a prompt out without a word.
      else files.push(path);
    }
  };
  walk(dir);
  return files;
}
