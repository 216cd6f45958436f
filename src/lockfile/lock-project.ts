import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import { compileAtCommit } from "../versions/compile-at-commit.js";
import { openGitProject } from "../versions/git-project.js";
import { readVersionIndex } from "../versions/version-index.js";
import { lockfilePathOf } from "./activation.js";
import { emptyLockfile, type Lockfile, type LockfileEntry, lockedPrompt, parseLockfile } from "./lockfile.js";
import { serializeLockfile } from "./serialize-lockfile.js";
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
export async function lockProject(options: { cwd: string; check: boolean }): Promise<LockReport> {
  const project = await openGitProject(options.cwd);
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
    if (!(error instanceof PromptOpsError) || !options.check) throw error;
    report.problems.push({ message: error.message });
    report.stale = true;
    return report;
  }

  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
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
  const expected = serializeLockfile(rebuilt);
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
  index: Awaited<ReturnType<typeof readVersionIndex>>,
  batch: CatFileBatch,
  project: Awaited<ReturnType<typeof openGitProject>>,
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
  rebuilt.environments[env] = { ...rebuilt.environments[env], [id]: entry };
  rebuilt.prompts[entry.hash] ??= lockedPrompt(id, entry.version, outcome.result.compiled);
  return undefined;
}

/** With config `types`, the generated declarations must match what `promptops types` would write now. */
async function staleTypes(cwd: string, file: string): Promise<string | undefined> {
  const { generateTypes } = await import("../typegen/generate-types.js");
  const generated = await generateTypes({ cwd });
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === generated.text) return undefined;
  return `${file} is ${current === undefined ? "missing" : "stale"}: run \`promptops types\``;
}
