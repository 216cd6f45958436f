import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import type { CompiledPrompt } from "../prompt/prompt-file.js";
import { compilePromptTemplates } from "../prompt/render.js";
import { compileAtCommit } from "../versions/compile-at-commit.js";
import { type GitProject, openGitProject } from "../versions/git-project.js";
import { readVersionIndex, type VersionIndex } from "../versions/version-index.js";
import { lockfilePathOf } from "./environments.js";
import {
  emptyLockfile,
  LOCKFILE_VERSION,
  type Lockfile,
  type LockfileEntry,
  lockedPrompt,
  parseLockfile,
} from "./lockfile.js";
import { pruneLockfile, serializeLockfile } from "./serialize-lockfile.js";
import { writeLockfile } from "./write-lockfile.js";

export interface LockProblem {
  env?: string;
  id?: string;
  version?: number;
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
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const report: LockReport = { file, exists: text !== undefined, problems: [], stale: false, written: false };
  if (text === undefined) return report;

  let current: Lockfile;
  try {
    current = parseLockfile(text, file);
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    if (!options.check) {
      // `lock` is the repair the error's hint names: stored content is recompiled from the tags,
      // so only the entries have to be readable (each is then checked against its tag).
      const environments = readableEntries(text);
      if (!environments) throw error;
      current = { ...emptyLockfile(), environments };
    } else {
      report.problems.push({ message: error.message });
      report.stale = true;
      return report;
    }
  }

  const index = options.index ?? (await readVersionIndex(project.repoRoot, project.config.tagPrefix));
  const rebuilt = emptyLockfile();
  const batch = new CatFileBatch(project.repoRoot);
  try {
    for (const [env, entries] of Object.entries(current.environments)) {
      if (!project.config.environments.includes(env)) {
        report.problems.push({
          env,
          message: `environment "${env}" is not configured (environments: ${project.config.environments.join(", ")})`,
        });
      }
      for (const [id, entry] of Object.entries(entries)) {
        const problem = await relock(rebuilt, env, id, entry, index, batch, project);
        if (problem) report.problems.push({ env, id, version: entry.version, message: problem });
      }
    }
  } finally {
    await batch.close();
  }
  // Pruned as every write prunes: content shared by several entries is labelled the same way.
  const expected = serializeLockfile(pruneLockfile(rebuilt));
  report.stale = expected !== text;
  if (project.config.types) {
    const typesProblem = await staleTypes(options.cwd, join(project.config.root, project.config.types));
    if (typesProblem) report.problems.push({ message: typesProblem });
  }
  if (options.check || !report.stale) return report;
  if (report.problems.length > 0) {
    throw new PromptOpsError("lock-failed", `cannot relock: ${report.problems[0]!.message}`, {
      exitCode: 1,
      hint: "run `promptops lock --check` to see every problem; `promptops verify` checks the tags",
    });
  }
  await writeLockfile(file, rebuilt);
  report.written = true;
  return report;
}

async function relock(
  rebuilt: Lockfile,
  env: string,
  id: string,
  entry: LockfileEntry,
  index: VersionIndex,
  batch: CatFileBatch,
  project: GitProject,
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
  const outcome = await compileAtCommit(batch, project, version.commit, id);
  if (!outcome.ok) return `${where}: ${outcome.problem}`;
  if (outcome.result.hash !== entry.hash)
    return `${where}: the content at ${version.tag} no longer hashes to ${entry.hash.slice(0, 19)}… (tampered)`;
  // Applications refuse a lockfile holding a template that is not data (loadPrompts checks every
  // one): say so here, where CI can still stop it.
  const unsafe = templateProblem(where, outcome.result.compiled);
  if (unsafe) return unsafe;
  rebuilt.environments[env] = { ...rebuilt.environments[env], [id]: entry };
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

function templateProblem(where: string, compiled: CompiledPrompt): string | undefined {
  try {
    compilePromptTemplates(where, compiled);
    return undefined;
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    return error.message;
  }
}
