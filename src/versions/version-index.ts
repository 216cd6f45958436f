import { listTags, type TagInfo, trailerValue } from "../git/index.js";
import { HASH_PREFIX } from "../prompt/hash.js";
import { parseVersionTagName, TRAILER_HASH, TRAILER_ID, TRAILER_VERSION } from "./version-tag.js";

export interface PublishedVersion {
  id: string;
  version: number;
  tag: string;
  /** The commit holding the content. */
  commit: string;
  /** The tag object: it changes if someone re-creates the tag. */
  tagObject: string;
  /** From the Prompt-Hash trailer: what the content hashed to when it was published. */
  hash: string;
  tagger: { name: string; email: string; date: string };
  /** The tag message without its trailers. */
  reason: string;
}

/** A tag under the prefix that promptops cannot use as a version, and why. */
export interface TagProblem {
  tag: string;
  id?: string;
  version?: number;
  message: string;
}

export interface VersionIndex {
  /** Every prompt's versions, oldest first. */
  byId: Map<string, PublishedVersion[]>;
  problems: TagProblem[];
}

const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** All versions of all prompts (or of one), from one `git for-each-ref`. */
export async function readVersionIndex(
  root: string,
  tagPrefix: string,
  onlyId?: string,
): Promise<VersionIndex> {
  const byId = new Map<string, PublishedVersion[]>();
  const problems: TagProblem[] = [];
  // With onlyId, git lists just that prompt's tags (and those of ids nested under it, which the
  // name parsing below keeps apart), not every tag of the repository.
  const prefix = onlyId === undefined ? tagPrefix : `${tagPrefix}${onlyId}/`;
  for (const tag of await listTags(root, prefix)) {
    const result = toVersion(tag, tagPrefix);
    if ("message" in result && !("commit" in result)) {
      problems.push(result);
      continue;
    }
    const version = result as PublishedVersion;
    const list = byId.get(version.id) ?? [];
    list.push(version);
    byId.set(version.id, list);
  }
  for (const list of byId.values()) list.sort((a, b) => a.version - b.version);
  return { byId, problems };
}

function toVersion(tag: TagInfo, tagPrefix: string): PublishedVersion | TagProblem {
  const parsed = parseVersionTagName(tagPrefix, tag.name);
  if (!parsed) return { tag: tag.name, message: `tag ${tag.name} is not named <prefix><id>/v<N>` };
  const base = { tag: tag.name, id: parsed.id, version: parsed.version };
  if (!tag.annotated || !tag.tagger) {
    return {
      ...base,
      message: `tag ${tag.name} is a lightweight tag, not made by promptops (no tagger, no trailers)`,
    };
  }
  if (!tag.commit) return { ...base, message: `tag ${tag.name} does not point at a commit` };
  const id = trailerValue(tag.trailers, TRAILER_ID);
  const version = trailerValue(tag.trailers, TRAILER_VERSION);
  const hash = trailerValue(tag.trailers, TRAILER_HASH);
  if (id === undefined || version === undefined || hash === undefined) {
    const missing = [
      [TRAILER_ID, id],
      [TRAILER_VERSION, version],
      [TRAILER_HASH, hash],
    ]
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    return {
      ...base,
      message: `tag ${tag.name} has no ${missing.join(", ")} trailer: not made by promptops`,
    };
  }
  if (id !== parsed.id || version !== String(parsed.version)) {
    return {
      ...base,
      message: `tag ${tag.name} says ${TRAILER_ID}: ${id}, ${TRAILER_VERSION}: ${version}, which disagrees with its name`,
    };
  }
  if (!HASH_PATTERN.test(hash)) {
    return {
      ...base,
      message: `tag ${tag.name} has a malformed ${TRAILER_HASH} (expected ${HASH_PREFIX}<64 hex digits>)`,
    };
  }
  return {
    ...parsed,
    tag: tag.name,
    commit: tag.commit,
    tagObject: tag.objectSha,
    hash,
    tagger: tag.tagger,
    reason: stripTrailers(tag.message),
  };
}

function stripTrailers(message: string): string {
  const lines = message.replace(/\s+$/, "").split("\n");
  while (lines.length > 0 && /^Prompt-(Id|Version|Hash):/.test(lines.at(-1) ?? "")) lines.pop();
  return lines.join("\n").trim();
}

export function latestVersion(index: VersionIndex, id: string): PublishedVersion | undefined {
  return index.byId.get(id)?.at(-1);
}
