import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PromptOpsError } from "../errors.js";

/**
 * Where call logs are looked for without --logs: the runtime's log when `observe.file` is
 * `.promptops/calls.jsonl` (the README's example; the option has no default), and the files it
 * rotated to beside it (`calls.2026-12-05T03-45-12-345Z.jsonl`, rotated-name.ts), with other
 * tools' rotations (`calls.jsonl.1`) too.
 */
export const DEFAULT_LOG_PATTERNS = [".promptops/calls*.jsonl*"];

const hasWildcard = (pattern: string) => /[*?]/.test(pattern);

function wildcardRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/**
 * The log files named by --logs, in order, each once. A name may use `*` and `?` in its last part
 * (rotated files: `logs/calls.jsonl*`); the shell expands the rest. A named file that does not
 * exist is a usage error; a pattern that matches nothing is not (no traffic yet).
 */
export function resolveLogFiles(
  cwd: string,
  patterns: readonly string[] | undefined,
): { files: string[]; defaulted: boolean } {
  const defaulted = !patterns || patterns.length === 0;
  const files = new Set<string>();
  for (const pattern of defaulted ? DEFAULT_LOG_PATTERNS : patterns) {
    const path = resolve(cwd, pattern);
    if (!hasWildcard(basename(path))) {
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
        throw new PromptOpsError("logs-not-found", `--logs ${pattern}: no such file`, {
          hint: "name the JSONL files the runtime writes (observe.file), e.g. --logs 'logs/calls.jsonl*'",
        });
      }
      files.add(path);
      continue;
    }
    const dir = dirname(path);
    const match = wildcardRegExp(basename(path));
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    for (const name of names.filter((n) => match.test(n)).sort()) {
      const file = join(dir, name);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) files.add(file);
    }
  }
  return { files: [...files], defaulted };
}
