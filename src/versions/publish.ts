import { PromptOpsError } from "../errors.js";
import {
  checkRefFormat,
  createAnnotatedTag,
  currentBranch,
  deleteTag,
  GitError,
  headCommit,
  lastCommitTouching,
  pushTags,
  statusOfPaths,
  type TagPushOutcome,
} from "../git/index.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { selectPrompt } from "../prompt/select-prompt.js";
import {
  type GitProject,
  openGitProject,
  partialFilePath,
  promptFilePath,
  SHALLOW_HINT,
} from "./git-project.js";
import { readVersionIndex } from "./version-index.js";
import { versionTagMessage, versionTagName } from "./version-tag.js";

export interface PublishOptions {
  cwd: string;
  /** Prompts to publish; every changed draft when empty. */
  ids: string[];
  message?: string;
  dryRun?: boolean;
  push?: boolean;
  remote?: string;
  allowDetached?: boolean;
}

export interface PlannedVersion {
  id: string;
  version: number;
  tag: string;
  commit: string;
  hash: string;
  reason: string;
  /** The full tag message, trailers included. */
  message: string;
}

export interface PublishResult {
  planned: PlannedVersion[];
  /** Named prompts left alone because their content equals their latest version. */
  unchanged: Array<{ id: string; version: number }>;
  created: string[];
  pushed: TagPushOutcome[] | undefined;
  dryRun: boolean;
}

/** Works out every tag to create, checking everything that can fail before anything is written. */
export async function planPublish(
  project: GitProject,
  options: PublishOptions,
): Promise<Omit<PublishResult, "created" | "pushed" | "dryRun">> {
  const { config, repoRoot } = project;
  if (project.shallow)
    throw new PromptOpsError(
      "shallow-clone",
      "cannot publish from a shallow clone: version tags may be missing",
      { exitCode: 2, hint: SHALLOW_HINT },
    );
  const head = await headCommit(repoRoot);
  if (!head)
    throw new PromptOpsError("no-commits", "the repository has no commits yet", {
      exitCode: 2,
      hint: "commit your prompts, then publish",
    });
  if (!options.allowDetached && (await currentBranch(repoRoot)) === null) {
    throw new PromptOpsError(
      "detached-head",
      "HEAD is detached: publishing from it would tag a commit no branch holds",
      {
        exitCode: 2,
        hint: "check out a branch, or pass --allow-detached (e.g. in a CI job that builds a tag or a pull request)",
      },
    );
  }
  const all = discoverPromptFiles(config.promptsDir);
  // Once each, however it was named (`support`, `prompts/support.prompt.yaml`): a second tag for
  // the same version would fail and undo the whole publish.
  const refs =
    options.ids.length > 0
      ? [...new Map(options.ids.map((id) => selectPrompt(all, id)).map((ref) => [ref.id, ref])).values()]
      : all;
  const [index, run] = await Promise.all([
    readVersionIndex(repoRoot, config.tagPrefix),
    Promise.resolve(checkPrompts(config, refs)),
  ]);

  refuseInvalidPrompts(run.prompts, "publish", "publish-invalid");

  const unchanged: PublishResult["unchanged"] = [];
  const candidates = run.prompts.flatMap((prompt) => {
    const latest = index.byId.get(prompt.id)?.at(-1);
    if (latest && latest.hash === prompt.result!.hash) {
      unchanged.push({ id: prompt.id, version: latest.version });
      return [];
    }
    return [{ prompt, result: prompt.result!, next: (latest?.version ?? 0) + 1 }];
  });

  // The tag must hold exactly what was hashed: refuse while a file or partial differs from HEAD.
  const pathsOf = (c: (typeof candidates)[number]) => [
    promptFilePath(project, c.prompt.id),
    ...c.result.partials.map((name) => partialFilePath(project, name)),
  ];
  const dirty = await statusOfPaths(repoRoot, [...new Set(candidates.flatMap(pathsOf))]);
  if (dirty.length > 0) {
    throw new PromptOpsError(
      "uncommitted-changes",
      `uncommitted changes in ${dirty.map((d) => d.path).join(", ")}`,
      {
        exitCode: 2,
        hint: "commit them first: a version is made from a commit, not from the working tree",
      },
    );
  }

  const existingTags = new Set(index.problems.map((p) => p.tag));
  const planned: PlannedVersion[] = [];
  for (const candidate of candidates) {
    const { id } = candidate.prompt;
    const tag = versionTagName(config.tagPrefix, id, candidate.next);
    if (!checkRefFormat(`refs/tags/${tag}`)) {
      throw new PromptOpsError(
        "tag-name-invalid",
        `prompt "${id}" would be tagged "${tag}", which git does not accept as a tag name`,
        {
          exitCode: 1,
          hint: "rename the prompt file: git refuses names with `..`, a trailing `.` or `.lock`, and similar",
        },
      );
    }
    if (existingTags.has(tag)) {
      throw new PromptOpsError("tag-exists", `tag ${tag} already exists but was not made by promptops`, {
        exitCode: 1,
        hint: `inspect it with \`git show ${tag}\`; delete or rename it, then publish again`,
      });
    }
    const reason = options.message ?? (await reasonFromHistory(project, pathsOf(candidate))) ?? "";
    planned.push({
      id,
      version: candidate.next,
      tag,
      commit: head,
      hash: candidate.result.hash,
      reason: reason.trim() || `Publish ${id} v${candidate.next}`,
      message: versionTagMessage(reason, id, candidate.next, candidate.result.hash),
    });
  }
  return { planned, unchanged };
}

async function reasonFromHistory(project: GitProject, paths: string[]): Promise<string | undefined> {
  const commit = await lastCommitTouching(project.repoRoot, paths);
  return commit ? [commit.subject, commit.body].filter(Boolean).join("\n\n") : undefined;
}

/** Tags a new version of each planned prompt: all or nothing; then pushes them when asked. */
export async function publishVersions(options: PublishOptions): Promise<PublishResult> {
  const project = await openGitProject(options.cwd);
  const plan = await planPublish(project, options);
  if (options.dryRun) return { ...plan, created: [], pushed: undefined, dryRun: true };
  const created: string[] = [];
  try {
    for (const item of plan.planned) {
      await createAnnotatedTag(project.repoRoot, item.tag, item.commit, item.message);
      created.push(item.tag);
    }
  } catch (error) {
    // Undo what this run made, newest first, so a failed publish leaves no stray tag.
    for (const tag of created.reverse()) await deleteTag(project.repoRoot, tag).catch(() => undefined);
    throw new PromptOpsError(
      "publish-failed",
      `publishing failed, no version was created: ${(error as Error).message.split("\n")[0]}`,
      {
        exitCode: 2,
        cause: error,
      },
    );
  }
  const pushed =
    options.push && created.length > 0
      ? await pushCreatedTags(project.repoRoot, options.remote ?? "origin", created)
      : undefined;
  return { ...plan, created, pushed, dryRun: false };
}

/**
 * The tags are made by now and stay: a push that fails as a whole (no such remote, no
 * network, access denied) is reported as a failure of each tag, so the caller can say how
 * to retry instead of losing the result.
 */
async function pushCreatedTags(root: string, remote: string, tags: string[]): Promise<TagPushOutcome[]> {
  try {
    return await pushTags(root, remote, tags);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const fatal = error.stderr.split("\n").find((line) => /^(fatal|error): /.test(line));
    const reason = fatal?.replace(/^(fatal|error): /, "") ?? error.message;
    return tags.map((tag) => ({ tag, status: "unknown", ok: false, summary: "", reason }));
  }
}
