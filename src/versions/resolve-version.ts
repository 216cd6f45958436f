import { PromptOpsError } from "../errors.js";
import type { CatFileBatch } from "../git/index.js";
import type { CompiledResult } from "../prompt/compile-prompt.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { selectPrompt } from "../prompt/select-prompt.js";
import { compileAtCommit } from "./compile-at-commit.js";
import type { GitProject } from "./git-project.js";
import type { VersionIndex } from "./version-index.js";

export interface ResolvedVersion {
  /** "draft" or "v3". */
  label: string;
  version: number | "draft";
  result: CompiledResult;
}

/** `draft`, `v3` or `3`: the compiled content of that version, read from git for published ones. */
export async function resolveVersion(
  project: GitProject,
  index: VersionIndex,
  batch: CatFileBatch,
  id: string,
  ref: string,
): Promise<ResolvedVersion> {
  if (ref === "draft") {
    const ref = selectPrompt(discoverPromptFiles(project.config.promptsDir), id);
    const [checked] = checkPrompts(project.config, [ref]).prompts;
    if (!checked) throw new Error(`no check result for ${id}`);
    refuseInvalidPrompts([checked], "compare or render the draft of");
    return { label: "draft", version: "draft", result: checked.result! };
  }
  if (ref.startsWith("env:")) {
    const version = await activeVersion(project, ref.slice(4), id);
    const resolved = await resolveVersion(project, index, batch, id, String(version));
    return { ...resolved, label: `${ref} (v${version})` };
  }
  const match = /^v?([1-9]\d*)$/.exec(ref);
  if (!match) {
    throw new PromptOpsError("bad-version-ref", `"${ref}" is not a version`, {
      exitCode: 2,
      hint: "use v3, 3, draft or env:<environment>",
    });
  }
  const number = Number(match[1]);
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
  const outcome = await compileAtCommit(batch, project, published.commit, id);
  if (!outcome.ok)
    throw new PromptOpsError("version-unreadable", `${published.tag}: ${outcome.problem}`, { exitCode: 1 });
  if (outcome.result.hash !== published.hash) {
    throw new PromptOpsError(
      "version-tampered",
      `${published.tag}: content no longer matches its Prompt-Hash`,
      {
        exitCode: 1,
        hint: "run `promptops verify`",
      },
    );
  }
  return { label: `v${number}`, version: number, result: outcome.result };
}

/** The version of `id` that `env` points at in the lockfile. */
export async function activeVersion(project: GitProject, env: string, id: string): Promise<number> {
  // Imported here so commands that never name an environment do not load the lockfile code.
  const { checkEnvironment, lockfilePathOf } = await import("../lockfile/activation.js");
  const { readLockfile } = await import("../lockfile/lockfile.js");
  checkEnvironment(project, env);
  const entry = (await readLockfile(lockfilePathOf(project))).environments[env]?.[id];
  if (!entry) {
    throw new PromptOpsError("not-active", `${id} is not active in ${env}`, {
      exitCode: 2,
      hint: `activate a version first: promptops activate ${id}@<N> --env ${env}`,
    });
  }
  return entry.version;
}
