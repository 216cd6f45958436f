import { checkEnvironment } from "../config/check-environment.js";
import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import type { CatFileBatch } from "../git/index.js";
import { compiledContent, type Lockfile, readLockfile } from "../lockfile/lockfile.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import type { CompiledResult } from "../prompt/compile-prompt.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { selectPrompt } from "../prompt/select-prompt.js";
import type { GitProject } from "./git-project.js";
import { trustedPublishedContent } from "./published-content.js";
import type { VersionIndex } from "./version-index.js";
import type { VersionRef } from "./version-ref.js";

export interface ResolvedVersion {
  /** "draft" or "v3". */
  label: string;
  version: number | "draft";
  result: Pick<CompiledResult, "compiled" | "hash">;
}

/** The compiled content of a version: the draft's, a published one's from git, an environment's from its lockfile. */
export async function resolveVersion(
  project: GitProject,
  index: VersionIndex,
  batch: CatFileBatch,
  id: string,
  ref: VersionRef,
): Promise<ResolvedVersion> {
  if (ref.kind === "draft") {
    const ref = selectPrompt(discoverPromptFiles(project.config.promptsDir), id);
    const [checked] = checkPrompts(project.config, [ref]).prompts;
    if (!checked) throw new Error(`no check result for ${id}`);
    refuseInvalidPrompts([checked], "compare or render the draft of");
    return { label: "draft", version: "draft", result: checked.result! };
  }
  if (ref.kind === "env") return lockedVersion(await readEnvironmentLockfile(project, ref.env), ref.env, id);
  const number = ref.version;
  const versions = index.byId.get(id) ?? [];
  const published = versions.find((v) => v.version === number);
  if (!published) {
    throw new PromptOpsError("unknown-version", `${id} has no version ${number}`, {
      exitCode: 2,
      hint: versions.length
        ? `published versions: ${versions.map((v) => `v${v.version}`).join(", ")}`
        : `${id} has not been published yet`,
    });
  }
  const result = await trustedPublishedContent(batch, project, published, "run `promptops verify`");
  return { label: `v${number}`, version: number, result };
}

/** The lockfile, once `env` is known to be one of the project's environments. */
export async function readEnvironmentLockfile(
  project: { config: ProjectConfig },
  env: string,
): Promise<Lockfile> {
  checkEnvironment(project, env);
  return readLockfile(lockfilePathOf(project));
}

/**
 * What `env` runs: the content the lockfile holds for it, which is what applications load. Read
 * from the lockfile rather than from git at the version's tag, it needs no tags in the clone (CI
 * checkouts often have none) and no git process; `verify` and `lock --check` are what prove the
 * lockfile and the tags agree.
 */
export function lockedVersion(lockfile: Lockfile, env: string, id: string): ResolvedVersion {
  const entry = lockfile.environments[env]?.[id];
  if (!entry) {
    throw new PromptOpsError("not-active", `${id} is not active in ${env}`, {
      exitCode: 2,
      hint: `activate a version first: promptops activate ${id}@<N> --env ${env}`,
    });
  }
  const locked = lockfile.prompts[entry.hash];
  // parseLockfile refuses an entry whose content is missing; this would be our bug.
  if (!locked) throw new Error(`the lockfile has no content for ${entry.hash}`);
  return {
    label: `env:${env} (v${entry.version})`,
    version: entry.version,
    result: { compiled: compiledContent(locked), hash: entry.hash },
  };
}
