import { checkEnvironment } from "../config/check-environment.js";
import { PromptOpsError } from "../errors.js";
import { identity } from "../git/index.js";
import { requireProtection } from "../governance/check-protection.js";
import {
  emptyLockfile,
  type Lockfile,
  type LockfileEntry,
  lockedPrompt,
  readLockfile,
} from "../lockfile/lockfile.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import type { SigningKey } from "../lockfile/lockfile-signature.js";
import type { SignatureNote } from "../lockfile/lockfile-to-write.js";
import { updateLockfile } from "../lockfile/write-lockfile.js";
import { signingKeyFor } from "../signing/signing-keys.js";
import { type GitProject, openGitProject } from "../versions/git-project.js";
import { lockableVersion, publishedVersion } from "../versions/published-version.js";
import { type PublishedVersion, readVersionIndex } from "../versions/version-index.js";
import { checkHistoryFields, historyBackedPrevious } from "./history-check.js";
import { activationTimeline, type LockfileSnapshot, lockfileHistory } from "./lockfile-history.js";

export interface ActivationChange {
  env: string;
  id: string;
  from: number | null;
  to: number;
  changed: boolean;
  entry: LockfileEntry;
  /** What the write did to the lockfile's signature (absent when nothing was written or signed). */
  signature?: SignatureNote;
}

interface Pointer {
  env: string;
  id: string;
  version: PublishedVersion;
  reason: string | undefined;
  /** Overrides the default (the version active before this change). */
  previous?: number | null;
}

/** An entry a command read before taking the lockfile's lock, and decided what to do from. */
interface ReadEntry {
  env: string;
  id: string;
  entry: LockfileEntry | undefined;
}

/**
 * rollback and promote decide from entries read before the lock is taken: if another command
 * changed one of them since, the decision is stale, and nothing is written.
 */
function refuseIfChanged(lockfile: Lockfile, readBefore: ReadEntry[], command: string): void {
  for (const { env, id, entry } of readBefore) {
    const now = lockfile.environments[env]?.[id];
    const same =
      now?.version === entry?.version && now?.hash === entry?.hash && now?.activatedAt === entry?.activatedAt;
    if (same) continue;
    throw new PromptOpsError(
      "lockfile-changed",
      `${env}/${id} changed in promptops.lock while ${command} ran (${entry ? `v${entry.version}` : "not active"} -> ${now ? `v${now.version}` : "not active"}): nothing was written`,
      { exitCode: 2, hint: `another command updated the lockfile at the same time; run ${command} again` },
    );
  }
}

async function setPointers(
  project: GitProject,
  signing: SigningKey | undefined,
  pointers: Pointer[],
  readBefore: { entries: ReadEntry[]; command: string } = { entries: [], command: "" },
): Promise<ActivationChange[]> {
  // A protected environment is entered only with its records: refused before anything is written.
  await requireProtection(
    project,
    pointers.map((p) => ({ env: p.env, version: p.version })),
  );
  const compiled = await Promise.all(pointers.map((p) => lockableVersion(project, p.version)));
  const activatedBy = await identity(project.repoRoot).catch(() => "unknown");
  // Seconds are enough for an audit trail and keep the file's diffs readable.
  const activatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const changes: ActivationChange[] = [];
  const written = await updateLockfile(
    lockfilePathOf(project),
    (lockfile: Lockfile) => {
      refuseIfChanged(lockfile, readBefore.entries, readBefore.command);
      changes.length = 0;
      pointers.forEach((pointer, i) => {
        const result = compiled[i]!;
        const current = lockfile.environments[pointer.env]?.[pointer.id];
        if (current && current.version === pointer.version.version && current.hash === result.hash) {
          changes.push({
            env: pointer.env,
            id: pointer.id,
            from: current.version,
            to: current.version,
            changed: false,
            entry: current,
          });
          return;
        }
        const entry: LockfileEntry = {
          version: pointer.version.version,
          hash: result.hash,
          commit: pointer.version.commit,
          activatedAt,
          activatedBy,
          ...(pointer.reason ? { reason: pointer.reason } : {}),
          previous: pointer.previous !== undefined ? pointer.previous : (current?.version ?? null),
        };
        lockfile.environments[pointer.env] = { ...lockfile.environments[pointer.env], [pointer.id]: entry };
        lockfile.prompts[result.hash] ??= lockedPrompt(pointer.id, pointer.version.version, result.compiled);
        changes.push({
          env: pointer.env,
          id: pointer.id,
          from: current?.version ?? null,
          to: entry.version,
          changed: true,
          entry,
        });
      });
      return lockfile;
    },
    signing ? { signing } : {},
  );
  const { signedWith, droppedSignature } = written;
  if (signedWith || droppedSignature) {
    const signature = {
      ...(signedWith ? { signedWith } : {}),
      ...(droppedSignature ? { droppedSignature } : {}),
    };
    for (const change of changes) change.signature = signature;
  }
  return changes;
}

export interface ActivateOptions {
  cwd: string;
  id: string;
  version: number;
  env: string;
  reason?: string;
  /** `--sign <keyfile>`: sign the lockfile with this key instead of config signing.key. */
  sign?: string;
}

/** Points an environment at a published version: one atomic edit of the lockfile. */
export async function activateVersion(options: ActivateOptions): Promise<ActivationChange> {
  const project = await openGitProject(options.cwd);
  checkEnvironment(project, options.env);
  const signing = await signingKeyFor(project.config, options);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const version = publishedVersion(project, index, options.id, options.version);
  const [change] = await setPointers(project, signing, [
    { env: options.env, id: options.id, version, reason: options.reason },
  ]);
  return change!;
}

/**
 * Returns an environment to the version active before the current one. The rolled-back-to
 * entry takes the `previous` that version had when it was last activated (from the lockfile's
 * git history), so a second rollback goes further back instead of flip-flopping to the bad version.
 */
export async function rollbackVersion(options: Omit<ActivateOptions, "version">): Promise<ActivationChange> {
  const project = await openGitProject(options.cwd);
  checkEnvironment(project, options.env);
  const signing = await signingKeyFor(project.config, options);
  const lockfilePath = lockfilePathOf(project);
  const current = (await readLockfile(lockfilePath)).environments[options.env]?.[options.id];
  if (!current) {
    throw new PromptOpsError("not-active", `${options.id} is not active in ${options.env}`, {
      exitCode: 2,
      hint: "nothing to roll back",
    });
  }
  if (current.previous === null || current.previous === undefined) {
    throw new PromptOpsError(
      "no-previous",
      `${options.id} v${current.version} is the first version active in ${options.env}: there is nothing to roll back to`,
      {
        exitCode: 2,
        hint: `activate a version explicitly: promptops activate ${options.id}@<N> --env ${options.env}`,
      },
    );
  }
  const target = current.previous;
  const history = await lockfileHistory(project, lockfilePath);
  refuseUnbackedPrevious(project, history, options.env, options.id, current);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const version = publishedVersion(project, index, options.id, target);
  const timeline = activationTimeline(history, options.env, options.id);
  const lastActivation = timeline.findLast((event) => event.version === target);
  const previous = lastActivation?.entry?.previous ?? null;
  const reason = options.reason ?? `roll back v${current.version} to v${target}`;
  const [change] = await setPointers(
    project,
    signing,
    [{ env: options.env, id: options.id, version, reason, previous }],
    {
      entries: [{ env: options.env, id: options.id, entry: current }],
      command: "rollback",
    },
  );
  return change!;
}

/**
 * An emergency rollback goes where `previous` says: one edited by hand (or in a pull request) would
 * send production to a version nobody chose. It must be the one the lockfile's history backs.
 */
function refuseUnbackedPrevious(
  project: GitProject,
  history: LockfileSnapshot[],
  env: string,
  id: string,
  current: LockfileEntry,
): void {
  const mismatches = checkHistoryFields(
    { ...emptyLockfile(), environments: { [env]: { [id]: current } } },
    history,
    {
      shallow: project.shallow,
      now: Date.now(),
    },
  );
  const backed = historyBackedPrevious(mismatches, env, id);
  if (backed === undefined) return;
  throw new PromptOpsError(
    "previous-not-in-history",
    `${env}/${id}: previous says v${current.previous}, but the lockfile's history says ${backed === null ? "nothing was active" : `v${backed} was active`} before v${current.version}: not rolling back to a version the history does not back`,
    {
      exitCode: 1,
      hint:
        backed === null
          ? "run `promptops verify`; activate the version you want explicitly with `promptops activate`"
          : `to go back to what was active before: promptops activate ${id}@${backed} --env ${env}`,
    },
  );
}

export interface PromoteOptions {
  cwd: string;
  ids: string[];
  all: boolean;
  from: string;
  to: string;
  reason?: string;
  sign?: string;
}

/** Copies the `from` environment's pointers to `to` (the named prompts, or all with `all`). */
export async function promoteVersions(options: PromoteOptions): Promise<ActivationChange[]> {
  const project = await openGitProject(options.cwd);
  checkEnvironment(project, options.from);
  checkEnvironment(project, options.to);
  if (options.from === options.to)
    throw new PromptOpsError("promote-same-env", "--from and --to name the same environment", {
      exitCode: 2,
    });
  if (!options.all && options.ids.length === 0) {
    throw new PromptOpsError("promote-nothing", "name the prompts to promote, or pass --all", {
      exitCode: 2,
    });
  }
  const source = (await readLockfile(lockfilePathOf(project))).environments[options.from] ?? {};
  const ids = options.all ? Object.keys(source).sort() : options.ids;
  const missing = ids.filter((id) => !source[id]);
  if (missing.length > 0) {
    throw new PromptOpsError("promote-not-active", `not active in ${options.from}: ${missing.join(", ")}`, {
      exitCode: 2,
    });
  }
  const signing = await signingKeyFor(project.config, options);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const reason = options.reason ?? `promote from ${options.from}`;
  return setPointers(
    project,
    signing,
    ids.map((id) => ({
      env: options.to,
      id,
      version: publishedVersion(project, index, id, source[id]!.version),
      reason,
    })),
    { entries: ids.map((id) => ({ env: options.from, id, entry: source[id] })), command: "promote" },
  );
}
