import { readFile } from "node:fs/promises";
import { type Lockfile, parseLockfile } from "../lockfile/lockfile.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { checkPrompts } from "../prompt/prompt-project.js";
import { type GitProject, openGitProject } from "./git-project.js";
import { readVersionIndex, type TagProblem } from "./version-index.js";

export type DraftState = "new" | "changed" | "unchanged" | "invalid" | "deleted";

export interface PromptStatus {
  id: string;
  latest: { version: number; hash: string; commit: string; date: string } | null;
  /** The working-tree draft's hash, when it compiles. */
  draftHash: string | null;
  draft: DraftState;
  /** Environment -> active version (null when not active there), from promptops.lock. */
  active: Record<string, number | null>;
}

export interface StatusReport {
  prompts: PromptStatus[];
  tagProblems: TagProblem[];
  shallow: boolean;
  environments: string[];
  /** Set when promptops.lock exists but cannot be read. */
  lockfileProblem?: string;
}

/**
 * Each prompt's latest version and whether its draft changed since, by hash: editing only
 * description, owners or tests is no change; editing an included partial is. One git
 * process for all tags, however many prompts.
 */
export async function promptStatus(cwd: string): Promise<StatusReport> {
  const project = await openGitProject(cwd);
  const [index, run] = await Promise.all([
    readVersionIndex(project.repoRoot, project.config.tagPrefix),
    Promise.resolve(checkPrompts(project.config, discoverPromptFiles(project.config.promptsDir))),
  ]);
  const { environments, lockfileProblem } = await activeVersions(project);
  const activeFor = (id: string) =>
    Object.fromEntries(
      project.config.environments.map((env) => [env, environments[env]?.[id]?.version ?? null]),
    );
  const rows = new Map<string, PromptStatus>();
  for (const prompt of run.prompts) {
    const latest = index.byId.get(prompt.id)?.at(-1);
    const draftHash = prompt.result?.hash ?? null;
    rows.set(prompt.id, {
      id: prompt.id,
      latest: latest
        ? { version: latest.version, hash: latest.hash, commit: latest.commit, date: latest.tagger.date }
        : null,
      draftHash,
      draft: !draftHash ? "invalid" : !latest ? "new" : latest.hash === draftHash ? "unchanged" : "changed",
      active: activeFor(prompt.id),
    });
  }
  for (const [id, versions] of index.byId) {
    if (rows.has(id)) continue;
    const latest = versions.at(-1)!;
    rows.set(id, {
      id,
      latest: { version: latest.version, hash: latest.hash, commit: latest.commit, date: latest.tagger.date },
      draftHash: null,
      draft: "deleted",
      active: activeFor(id),
    });
  }
  const prompts = [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    prompts,
    tagProblems: index.problems,
    shallow: project.shallow,
    environments: project.config.environments,
    ...(lockfileProblem ? { lockfileProblem } : {}),
  };
}

async function activeVersions(project: GitProject) {
  const file = lockfilePathOf(project);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { environments: {} as Lockfile["environments"] };
  }
  try {
    return { environments: parseLockfile(text, file).environments };
  } catch (error) {
    return { environments: {} as Lockfile["environments"], lockfileProblem: (error as Error).message };
  }
}
