import type { LockfileEntry } from "../lockfile/lockfile.js";
import { shortHash } from "../lockfile/lockfile-errors.js";
import type { PublishedVersion, VersionIndex } from "../versions/version-index.js";

/** How a lockfile entry's version, hash and commit agree with the tags. */
export type EntryDiagnosis =
  | { kind: "sound"; version: PublishedVersion }
  /** A field was edited by hand; `entry` is the entry as the tags (and history) say it is. */
  | {
      kind: "edited";
      field: "version" | "hash" | "commit";
      message: string;
      entry: LockfileEntry;
      version: PublishedVersion;
      change: string;
    }
  /** The tags themselves disagree with what was activated: not for `lock` to paper over. */
  | { kind: "unsound"; message: string; hint: string };

export interface DiagnosisContext {
  index: VersionIndex;
  shallow: boolean;
  /** The entry as the newest commit of promptops.lock has it, if any. */
  committed: LockfileEntry | undefined;
  /** The commit exists in this repository. */
  commitExists(commit: string): Promise<boolean>;
}

/**
 * Tells a hand edit of the lockfile from a tag that moved. The tag of the entry's version is the
 * authority for its hash and commit, unless the entry's hash and commit are together another
 * version's: then its version number was edited, and the version they name is what was activated.
 * A commit that differs from the tag's is an edit when it is not a commit at all or the committed
 * lockfile agrees with the tag; otherwise the tag moved after activation.
 */
export async function diagnoseEntry(
  env: string,
  id: string,
  entry: LockfileEntry,
  context: DiagnosisContext,
): Promise<EntryDiagnosis> {
  const versions = context.index.byId.get(id) ?? [];
  const tagged = versions.find((v) => v.version === entry.version);
  const named = versions.find((v) => v.hash === entry.hash && v.commit === entry.commit);
  const where = `${env}/${id}`;
  const restore = (version: PublishedVersion): LockfileEntry => ({
    ...entry,
    version: version.version,
    hash: version.hash,
    commit: version.commit,
  });
  if (tagged && tagged.hash === entry.hash && tagged.commit === entry.commit)
    return { kind: "sound", version: tagged };

  const committedAgrees =
    context.committed?.version === entry.version &&
    tagged !== undefined &&
    context.committed.hash === tagged.hash &&
    context.committed.commit === tagged.commit;
  if (named && !committedAgrees) {
    return {
      kind: "edited",
      field: "version",
      message: `${where}: version ${entry.version} but its hash and commit are v${named.version}'s: the version number was edited (v${named.version} is what was activated)`,
      entry: restore(named),
      version: named,
      change: `version ${entry.version} -> ${named.version}, the version its hash and commit name (to make v${entry.version} active: promptops activate ${id}@${entry.version} --env ${env})`,
    };
  }
  if (!tagged) {
    return {
      kind: "unsound",
      message: `${env}: ${id} v${entry.version} points at a version with no tag${context.shallow ? " (this clone is shallow: fetch the tags)" : ""}`,
      hint: `restore the tag, or activate a published version: promptops activate ${id}@<N> --env ${env}`,
    };
  }
  const hashEdited = entry.hash !== tagged.hash;
  const commitEdited =
    entry.commit !== tagged.commit && (committedAgrees || !(await context.commitExists(entry.commit)));
  if (entry.commit !== tagged.commit && !commitEdited) {
    return {
      kind: "unsound",
      message: `${env}: ${id} v${entry.version}: tag ${tagged.tag} now points at ${tagged.commit.slice(0, 12)}, not ${entry.commit.slice(0, 12)} as when it was activated`,
      hint: `the tag was moved after the activation: put it back (\`promptops verify\` checks the tags), or activate another version: promptops activate ${id}@<N> --env ${env}`,
    };
  }
  const otherHash = versions.find((v) => v.hash === entry.hash);
  const edits = [
    hashEdited
      ? `hash is ${otherHash ? `v${otherHash.version}'s` : shortHash(entry.hash)}, not v${entry.version}'s ${shortHash(tagged.hash)}`
      : "",
    entry.commit !== tagged.commit
      ? `commit ${entry.commit.slice(0, 12)} is not ${tagged.tag}'s ${tagged.commit.slice(0, 12)}`
      : "",
  ].filter(Boolean);
  const field = hashEdited ? "hash" : "commit";
  return {
    kind: "edited",
    field,
    message: `${where}: version ${entry.version} but its ${edits.join(" and its ")}: the ${hashEdited && entry.commit !== tagged.commit ? "hash and commit were" : `${field} was`} edited`,
    entry: restore(tagged),
    version: tagged,
    change: `${hashEdited ? "hash" : ""}${hashEdited && entry.commit !== tagged.commit ? " and " : ""}${entry.commit !== tagged.commit ? "commit" : ""} set to v${entry.version}'s, from ${tagged.tag}`,
  };
}
