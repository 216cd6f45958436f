import type { LockedPrompt, Lockfile } from "./lockfile.js";

/**
 * The lockfile's text: keys sorted at every depth (by UTF-16 code unit, as canonicalJson sorts),
 * arrays in their order, 2-space indent, one scalar per line and a trailing newline, so the same
 * content is always the same bytes and an activation is a one- or few-line git diff.
 */
export function serializeLockfile(lockfile: Lockfile): string {
  return `${pretty(lockfile, "")}\n`;
}

// Not JSON.stringify(sorted, null, 2): JS objects list integer-like keys ("10", "9") first in
// numeric order whatever the insertion order, so only printing keys ourselves really sorts them.
function pretty(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new TypeError("non-finite number in lockfile");
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => inner + pretty(item === undefined ? null : item, inner));
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  if (keys.length === 0) return "{}";
  const members = keys.map((key) => `${inner}${JSON.stringify(key)}: ${pretty(record[key], inner)}`);
  return `{\n${members.join(",\n")}\n${indent}}`;
}

/**
 * Drops stored content that no environment points at any more (after a rollback or promote), so
 * the lockfile holds exactly what can be served. Returns a new lockfile; the argument is untouched.
 */
export function pruneLockfile(lockfile: Lockfile): Lockfile {
  // Content shared by several entries is labelled with the smallest id@version among them, so
  // the bytes do not depend on the order in which versions were activated.
  const label = new Map<string, { id: string; version: number }>();
  for (const entries of Object.values(lockfile.environments)) {
    for (const [id, entry] of Object.entries(entries)) {
      const current = label.get(entry.hash);
      if (!current || id < current.id || (id === current.id && entry.version < current.version)) {
        label.set(entry.hash, { id, version: entry.version });
      }
    }
  }
  const prompts: Record<string, LockedPrompt> = {};
  for (const [hash, prompt] of Object.entries(lockfile.prompts)) {
    const name = label.get(hash);
    if (name) prompts[hash] = { ...prompt, ...name };
  }
  return { ...lockfile, prompts };
}
