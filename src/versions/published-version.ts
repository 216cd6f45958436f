import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { closeMatches } from "../schemas/did-you-mean.js";
import type { GitProject } from "./git-project.js";
import { trustedPublishedContent } from "./published-content.js";
import type { PublishedVersion, VersionIndex } from "./version-index.js";

/** Version N of a prompt, or an error that says what is published (or how to find the id meant). */
export function publishedVersion(
  project: GitProject,
  index: VersionIndex,
  id: string,
  version: number,
): PublishedVersion {
  const versions = index.byId.get(id);
  if (!versions) {
    const known = [
      ...new Set([...index.byId.keys(), ...discoverPromptFiles(project.config.promptsDir).map((r) => r.id)]),
    ];
    const similar = closeMatches(id, known);
    throw new PromptOpsError(
      "unknown-prompt",
      known.includes(id) ? `"${id}" has no published version` : `unknown prompt "${id}"`,
      {
        exitCode: 2,
        hint: known.includes(id)
          ? `publish it first: promptops publish ${id}`
          : similar.length
            ? `did you mean ${similar.map((s) => `"${s}"`).join(", ")}?`
            : "run `promptops status`",
      },
    );
  }
  const found = versions.find((v) => v.version === version);
  if (!found) {
    throw new PromptOpsError("unknown-version", `${id} has no version ${version}`, {
      exitCode: 2,
      hint: `published versions: ${versions.map((v) => `v${v.version}`).join(", ")}`,
    });
  }
  return found;
}

/** Reads a version's content from its tag and refuses one whose content no longer matches its hash. */
export async function lockableVersion(project: GitProject, version: PublishedVersion) {
  const batch = new CatFileBatch(project.repoRoot);
  try {
    return await trustedPublishedContent(
      batch,
      project,
      version,
      "run `promptops verify`; a tampered version cannot be activated",
    );
  } finally {
    await batch.close();
  }
}
