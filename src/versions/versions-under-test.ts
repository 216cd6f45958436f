import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import type { CompiledPrompt } from "../prompt/prompt-file.js";
import type { CheckedPrompt } from "../prompt/prompt-project.js";
import { openGitProject } from "./git-project.js";
import {
  lockedVersion,
  type ResolvedVersion,
  readEnvironmentLockfile,
  resolveVersion,
} from "./resolve-version.js";
import { readVersionIndex } from "./version-index.js";
import type { VersionRef } from "./version-ref.js";

/** A prompt of the working tree with the content of one of its versions. */
export interface PromptAtVersion {
  prompt: CheckedPrompt;
  version: "draft" | number;
  hash: string;
  compiled: CompiledPrompt;
}

/**
 * The published versions to test: their content comes from git, their tests from the working tree
 * (tests are not versioned content, so today's suite runs against yesterday's prompt). Without
 * named ids, prompts that have no such version (not active in that environment) are skipped.
 */
export async function versionsUnderTest(
  config: ProjectConfig,
  prompts: CheckedPrompt[],
  ref: VersionRef,
  named: boolean,
  onMissing?: (prompt: string, error: PromptOpsError) => void,
): Promise<PromptAtVersion[]> {
  const units: PromptAtVersion[] = [];
  const collect = async (resolve: (id: string) => ResolvedVersion | Promise<ResolvedVersion>) => {
    for (const prompt of prompts) {
      try {
        const { version, result } = await resolve(prompt.id);
        units.push({ prompt, version, hash: result.hash, compiled: result.compiled });
      } catch (error) {
        const missing =
          error instanceof PromptOpsError && ["not-active", "unknown-version"].includes(error.code);
        if (named || !missing) throw error;
        onMissing?.(prompt.id, error as PromptOpsError);
      }
    }
  };
  // An environment's versions come from the lockfile, read once: no git, no tags needed.
  if (ref.kind === "env") {
    const { env } = ref;
    const lockfile = await readEnvironmentLockfile({ config }, env);
    await collect((id) => lockedVersion(lockfile, env, id));
    return units;
  }
  const project = await openGitProject(config.root);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const batch = new CatFileBatch(project.repoRoot);
  try {
    await collect((id) => resolveVersion(project, index, batch, id, ref));
    return units;
  } finally {
    await batch.close();
  }
}
