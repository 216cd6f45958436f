import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import { type CompileAtCommitResult, compileAtCommit } from "../versions/compile-at-commit.js";
import { type GitProject, openGitProject } from "../versions/git-project.js";
import { readVersionIndex, type VersionIndex } from "../versions/version-index.js";
import { lockfilePathOf } from "./environments.js";
import { checkHistoryFields } from "./history-check.js";
import {
  emptyLockfile,
  LOCKFILE_VERSION,
  type Lockfile,
  type LockfileEntry,
  lockedPrompt,
  parseLockfile,
} from "./lockfile.js";
import { type LockfileSnapshot, lockfileHistory } from "./lockfile-history.js";
import { pruneLockfile, serializeLockfile } from "./serialize-lockfile.js";
import { rebuildLockfile } from "./write-lockfile.js";

export interface LockProblem {
  env?: string;
  id?: string;
  version?: number;
  /** The entry's field that was edited, when that is what is wrong. */
  field?: string;
  message: string;
  hint?: string;
}

/** What `lock` changed in an entry to make it agree with the tags and the lockfile's history. */
export interface LockRepair {
  env: string;
  id: string;
  message: string;
}

export interface LockReport {
  file: string;
  /** The lockfile exists. */
  exists: boolean;
  problems: LockProblem[];
  /** The file differs from what `promptops lock` would write (hand-edited, stale, unformatted). */
  stale: boolean;
  /** `lock` (not --check) rewrote the file. */
  written: boolean;
  /** What `lock` changed besides the stored content and the formatting. */
  repaired: LockRepair[];
}

/**
 * Recompiles the content of every version the lockfile points at from its tag, and drops content
 * no environment references. With `check`, changes nothing and reports what is wrong instead:
 * a missing or moved tag, tampered content, an unknown environment, or a stale file.
 */
export async function lockProject(options: {
  cwd: string;
  check: boolean;
  /** Already read by the caller (verify): not asked of git again. */
  project?: GitProject;
  index?: VersionIndex;
}): Promise<LockReport> {
  const project = options.project ?? (await openGitProject(options.cwd));
  const file = lockfilePathOf(project);
  const text = await readIfExists(file);
  const report: LockReport = {
    file,
    exists: text !== undefined,
    problems: [],
    stale: false,
    written: false,
    repaired: [],
  };
  if (text === undefined) return report;

  const index = options.index ?? (await readVersionIndex(project.repoRoot, project.config.tagPrefix));
  const batch = new CatFileBatch(project.repoRoot);
  // The second look inside the lock compiles only what the first did not see.
  const compiled = new Map<string, Promise<CompileAtCommitResult>>();
  let history: Promise<LockfileSnapshot[]> | undefined;
  const context: RelockContext = {
    project,
    index,
    history() {
      history ??= lockfileHistory(project, file);
      return history;
    },
    compile(commit, id) {
      const key = `${commit}:${id}`;
      const known = compiled.get(key);
      if (known) return known;
      const outcome = compileAtCommit(batch, project, commit, id);
      compiled.set(key, outcome);
      return outcome;
    },
  };
  try {
    const first = await examine(text, options.check, context);
    report.problems.push(...first.problems);
    report.stale = first.stale;
    report.repaired = first.repaired;
    if (project.config.types) {
      const typesProblem = await staleTypes(options.cwd, join(project.config.root, project.config.types));
      if (typesProblem) report.problems.push({ message: typesProblem });
    }
    if (options.check || !report.stale) return report;
    if (report.problems.length > 0) throw lockFailed(report.problems);
    // What was read above may be stale already (an activation since): the file is read again,
    // and rebuilt from what it says then, inside the lock every writer of it takes.
    report.written = await rebuildLockfile(file, async (current) => {
      if (current === undefined) return undefined;
      const again = current === text ? first : await examine(current, false, context);
      if (again.problems.length > 0) throw lockFailed(again.problems);
      report.repaired = again.repaired;
      return again.rebuilt;
    });
    return report;
  } finally {
    await batch.close();
  }
}

interface RelockContext {
  project: GitProject;
  index: VersionIndex;
  history(): Promise<LockfileSnapshot[]>;
  compile(commit: string, id: string): Promise<CompileAtCommitResult>;
}

interface Examined {
  problems: LockProblem[];
  repaired: LockRepair[];
  /** The file differs from what `promptops lock` would write (hand-edited, stale, unformatted). */
  stale: boolean;
  rebuilt: Lockfile;
}

/** What is wrong with lockfile text, and the lockfile `lock` would write in its place. */
async function examine(text: string, check: boolean, context: RelockContext): Promise<Examined> {
  const { project } = context;
  const problems: LockProblem[] = [];
  let current: Lockfile;
  try {
    current = parseLockfile(text, lockfilePathOf(project));
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    // `lock` is the repair the error's hint names: stored content is recompiled from the tags,
    // so only the entries have to be readable (each is then checked against its tag).
    const environments = check ? undefined : readableEntries(text);
    if (!environments) {
      if (!check) throw error;
      return { problems: [{ message: error.message }], repaired: [], stale: true, rebuilt: emptyLockfile() };
    }
    current = { ...emptyLockfile(), environments };
  }
  const rebuilt = emptyLockfile();
  for (const [env, entries] of Object.entries(current.environments)) {
    if (!project.config.environments.includes(env)) {
      problems.push({
        env,
        message: `environment "${env}" is not configured (environments: ${project.config.environments.join(", ")})`,
      });
    }
    for (const [id, entry] of Object.entries(entries)) {
      const problem = await relock(rebuilt, env, id, entry, context);
      if (problem) problems.push({ env, id, version: entry.version, message: problem });
    }
  }
  const repaired: LockRepair[] = [];
  const mismatches = checkHistoryFields(current, await context.history(), {
    shallow: project.shallow,
    now: Date.now(),
  });
  for (const mismatch of mismatches) {
    const entry = rebuilt.environments[mismatch.env]?.[mismatch.id];
    const restorable = mismatch.field === "previous" || mismatch.expected !== null;
    if (check || !entry || !restorable) {
      const { env, id, version, field, message, hint } = mismatch;
      problems.push({ env, id, version, field, message, hint });
      continue;
    }
    const from = entry[mismatch.field];
    Object.assign(entry, { [mismatch.field]: mismatch.expected });
    repaired.push({
      env: mismatch.env,
      id: mismatch.id,
      message: `${mismatch.env}/${mismatch.id}: ${mismatch.field} ${JSON.stringify(from ?? null)} -> ${JSON.stringify(mismatch.expected)}, as the lockfile's history says`,
    });
  }
  // Pruned as every write prunes: content shared by several entries is labelled the same way.
  const stale = serializeLockfile(pruneLockfile(rebuilt)) !== text;
  return { problems, repaired, stale, rebuilt };
}

function lockFailed(problems: LockProblem[]): PromptOpsError {
  return new PromptOpsError("lock-failed", `cannot relock: ${problems[0]!.message}`, {
    exitCode: 1,
    hint: "run `promptops lock --check` to see every problem; `promptops verify` checks the tags",
  });
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return undefined;
  }
}

async function relock(
  rebuilt: Lockfile,
  env: string,
  id: string,
  entry: LockfileEntry,
  { index, project, compile }: RelockContext,
): Promise<string | undefined> {
  const where = `${env}: ${id} v${entry.version}`;
  const version = index.byId.get(id)?.find((v) => v.version === entry.version);
  if (!version)
    return `${where} points at a version with no tag${project.shallow ? " (this clone is shallow: fetch the tags)" : ""}`;
  if (version.commit !== entry.commit) {
    return `${where}: tag ${version.tag} now points at ${version.commit.slice(0, 12)}, not ${entry.commit.slice(0, 12)} as when it was activated`;
  }
  if (version.hash !== entry.hash)
    return `${where}: the lockfile says ${entry.hash.slice(0, 19)}…, the tag says ${version.hash.slice(0, 19)}…`;
  const outcome = await compile(version.commit, id);
  if (!outcome.ok) return `${where}: ${outcome.problem}`;
  if (outcome.result.hash !== entry.hash)
    return `${where}: the content at ${version.tag} no longer hashes to ${entry.hash.slice(0, 19)}… (tampered)`;
  rebuilt.environments[env] = { ...rebuilt.environments[env], [id]: { ...entry } };
  rebuilt.prompts[entry.hash] ??= lockedPrompt(id, entry.version, outcome.result.compiled);
  return undefined;
}

/**
 * The entries of lockfile text that failed validation, when it is still JSON of this format and
 * every entry names a version, hash and commit: enough to rebuild the rest from the tags.
 */
function readableEntries(text: string): Lockfile["environments"] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  // A lockfile of another format version (a newer promptops) is never rewritten as this one.
  if (!isRecord(data) || data.lockfileVersion !== LOCKFILE_VERSION || !isRecord(data.environments))
    return undefined;
  for (const entries of Object.values(data.environments)) {
    if (!isRecord(entries)) return undefined;
    for (const entry of Object.values(entries)) {
      if (!isRecord(entry) || !Number.isInteger(entry.version)) return undefined;
      if (typeof entry.hash !== "string" || typeof entry.commit !== "string") return undefined;
    }
  }
  return data.environments as Lockfile["environments"];
}

/** With config `types`, the generated declarations must match what `promptops types` would write now. */
async function staleTypes(cwd: string, file: string): Promise<string | undefined> {
  const { generateTypes } = await import("../typegen/generate-types.js");
  const generated = await generateTypes({ cwd });
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === generated.text) return undefined;
  return `${file} is ${current === undefined ? "missing" : "stale"}: run \`promptops types\``;
}
