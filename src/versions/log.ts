import { PromptOpsError } from "../errors.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { closeMatches } from "../schemas/did-you-mean.js";
import { openGitProject, SHALLOW_HINT } from "./git-project.js";
import { type PublishedVersion, readVersionIndex } from "./version-index.js";

export interface LogReport {
  id: string;
  /** Newest first. */
  versions: PublishedVersion[];
  shallow: boolean;
}

export async function promptLog(cwd: string, id: string): Promise<LogReport> {
  const project = await openGitProject(cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix, id);
  const versions = index.byId.get(id);
  if (!versions) {
    const known = new Set([
      ...index.byId.keys(),
      ...discoverPromptFiles(project.config.promptsDir).map((r) => r.id),
    ]);
    if (!known.has(id)) {
      const similar = closeMatches(id, known);
      throw new PromptOpsError("unknown-prompt", `unknown prompt "${id}"`, {
        exitCode: 2,
        hint: similar.length
          ? `did you mean ${similar.map((s) => `"${s}"`).join(", ")}?`
          : "run `promptops status` to list prompts",
      });
    }
  }
  if (!versions && project.shallow) {
    throw new PromptOpsError("shallow-clone", `no versions of "${id}" found, and this clone is shallow`, {
      exitCode: 2,
      hint: SHALLOW_HINT,
    });
  }
  return { id, versions: [...(versions ?? [])].reverse(), shallow: project.shallow };
}
