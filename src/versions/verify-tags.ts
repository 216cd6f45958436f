import { CatFileBatch } from "../git/index.js";
import type { GitProject } from "./git-project.js";
import { readPublishedContent } from "./published-content.js";
import type { VersionIndex } from "./version-index.js";
import { versionTagName } from "./version-tag.js";

export interface VerifyProblem {
  id?: string;
  version?: number;
  tag: string;
  message: string;
  hint?: string;
}

/**
 * Checks every prompt tag: annotated, with trailers that agree with its name, and content at
 * the tagged commit that still hashes to its Prompt-Hash. One git process reads every blob,
 * however many versions there are (the caller lists the tags once).
 */
export async function verifyTags(
  project: GitProject,
  index: VersionIndex,
): Promise<{ versionsChecked: number; problems: VerifyProblem[] }> {
  const problems: VerifyProblem[] = index.problems.map((p) => ({ ...p }));
  const versions = [...index.byId.values()].flat();
  const batch = new CatFileBatch(project.repoRoot);
  try {
    const results = await Promise.all(versions.map((v) => readPublishedContent(batch, project, v)));
    versions.forEach((version, i) => {
      const outcome = results[i]!;
      const where = { id: version.id, version: version.version, tag: version.tag };
      if (!outcome.ok && outcome.kind === "unreadable")
        problems.push({ ...where, message: `content cannot be read back: ${outcome.problem}` });
      else if (!outcome.ok) {
        problems.push({
          ...where,
          message: `content at ${version.commit.slice(0, 12)} hashes to ${outcome.hash.slice(0, 19)}…, not its Prompt-Hash ${version.hash.slice(0, 19)}…: the tag was moved or its content tampered with`,
        });
      }
    });
  } finally {
    await batch.close();
  }
  for (const [id, list] of index.byId) {
    // One problem per gap, on its first missing number: a gap must not blame the versions after it.
    let expected = 1;
    for (const { version } of list) {
      if (version > expected) {
        const missing =
          version === expected + 1 ? `version ${expected}` : `versions ${expected} to ${version - 1}`;
        problems.push({
          id,
          version: expected,
          tag: versionTagName(project.config.tagPrefix, id, expected),
          message: `${missing} of ${id} ${version === expected + 1 ? "is" : "are"} missing, though v${version} exists: versions must count up from 1`,
        });
      }
      expected = version + 1;
    }
  }
  problems.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { versionsChecked: versions.length, problems };
}
