import { LOCKFILE_VERSION, type LockfileEntry } from "./lockfile.js";

/**
 * The entries of lockfile text that failed validation, when it is still JSON of this format:
 * enough to rebuild the rest from the tags. An entry with no integer version, or no hash or
 * commit, reads as what is wrong with it.
 */
export function readableEntries(
  text: string,
): Record<string, Record<string, LockfileEntry | string>> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  // A lockfile of another format version (a newer promptops) is never rewritten as this one.
  if (!isRecord(data) || data.lockfileVersion !== LOCKFILE_VERSION || !isRecord(data.environments))
    return undefined;
  const readable: Record<string, Record<string, LockfileEntry | string>> = {};
  for (const [env, entries] of Object.entries(data.environments)) {
    if (!isRecord(entries)) return undefined;
    readable[env] = {};
    for (const [id, entry] of Object.entries(entries)) {
      const usable =
        isRecord(entry) &&
        Number.isInteger(entry.version) &&
        typeof entry.hash === "string" &&
        typeof entry.commit === "string";
      readable[env][id] = usable ? (entry as unknown as LockfileEntry) : unusable(entry);
    }
  }
  return readable;
}

function unusable(entry: unknown): string {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry))
    return "the entry is not an object";
  const { version, hash, commit } = entry as Record<string, unknown>;
  if (!Number.isInteger(version))
    return `version is ${JSON.stringify(version) ?? "missing"}, not a version number`;
  return `${typeof hash !== "string" ? "hash" : "commit"} is ${JSON.stringify(typeof hash !== "string" ? hash : commit) ?? "missing"}, not text`;
}
