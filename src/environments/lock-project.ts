import { join } from "node:path";
import { PromptOpsError } from "../errors.js";
import { CatFileBatch } from "../git/index.js";
import { lockfileProtectionProblems } from "../governance/lockfile-protection.js";
import {
  emptyLockfile,
  type Lockfile,
  type LockfileEntry,
  lockedPrompt,
  parseLockfile,
  validateLockfile,
} from "../lockfile/lockfile.js";
import { shortHash } from "../lockfile/lockfile-errors.js";
import { lockfilePathOf } from "../lockfile/lockfile-path.js";
import {
  type LockProblem,
  lockFailed,
  signatureProblem,
  staleTypes,
  templateProblem,
  unreadable,
} from "./lock-problems.js";

export type { LockProblem } from "./lock-problems.js";

import type { SigningKey } from "../lockfile/lockfile-signature.js";
import { lockfileToWrite, looseParse, type SignatureNote } from "../lockfile/lockfile-to-write.js";
import { readLockfileTextIfExists } from "../lockfile/read-lockfile-text.js";
import { readableEntries } from "../lockfile/readable-entries.js";
import { pruneLockfile } from "../lockfile/serialize-lockfile.js";
import { rebuildLockfile } from "../lockfile/write-lockfile.js";
import { signingKeyFor, trustedKeyFor } from "../signing/signing-keys.js";
import { type GitProject, openGitProject } from "../versions/git-project.js";
import { type PublishedContent, readPublishedContent } from "../versions/published-content.js";
import { type PublishedVersion, readVersionIndex, type VersionIndex } from "../versions/version-index.js";
import { diagnoseEntry } from "./entry-diagnosis.js";
import { checkHistoryFields } from "./history-check.js";
import { type LockfileSnapshot, lockfileHistory } from "./lockfile-history.js";

/** What `lock` changed in an entry to make it agree with the tags and the lockfile's history. */
export interface LockRepair {
  env?: string;
  id?: string;
  message: string;
}

export interface LockReport extends SignatureNote {
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
  /** Governance notes that could not be used (unparseable, wrong hash): ignored, said once. */
  warnings: string[];
}

/**
 * Recompiles the content of every version the lockfile points at from its tag, and drops content
 * no environment references. With `check`, changes nothing and reports what is wrong instead:
 * a missing or moved tag, tampered content, an unknown environment, or a stale file.
 */
export async function lockProject(options: {
  cwd: string;
  check: boolean;
  /** `--sign <keyfile>` (relative to cwd): sign with this key instead of config signing.key. */
  sign?: string | undefined;
  /** Already read by the caller (verify): not asked of git again. */
  project?: GitProject;
  index?: VersionIndex;
}): Promise<LockReport> {
  const project = options.project ?? (await openGitProject(options.cwd));
  const file = lockfilePathOf(project);
  const text = await readLockfileTextIfExists(file);
  const report: LockReport = {
    file,
    exists: text !== undefined,
    problems: [],
    stale: false,
    written: false,
    repaired: [],
    warnings: [],
  };
  if (text === undefined) return report;
  // Resolved before any work, so a missing key fails the command before anything is written.
  const signing = options.check ? undefined : await signingKeyFor(project.config, options);
  const trusted = await trustedKeyFor(project.config);
  // Without a key to re-sign it, the signature must be the trusted key's, over this content:
  // --check reports it; `lock` drops one that is not and says so (after a merge resolved by hand,
  // a signature over neither side is left), for the release job to sign again.
  const badSignature = trusted && !signing ? signatureProblem(text, trusted, file) : undefined;

  const index = options.index ?? (await readVersionIndex(project.repoRoot, project.config.tagPrefix));
  const batch = new CatFileBatch(project.repoRoot);
  // The second look inside the lock compiles only what the first did not see.
  const compiled = new Map<string, Promise<PublishedContent>>();
  let history: Promise<LockfileSnapshot[]> | undefined;
  const context: RelockContext = {
    project,
    index,
    signing,
    keepSignature: badSignature === undefined,
    history() {
      history ??= lockfileHistory(project, file);
      return history;
    },
    async commitExists(commit) {
      // Lockfile text is untrusted: only an object id goes to cat-file's stdin.
      if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) return false;
      return (await batch.read(`${commit}^{commit}`)) !== null;
    },
    read(version) {
      const key = `${version.commit}:${version.id}:${version.hash}`;
      const known = compiled.get(key);
      if (known) return known;
      const content = readPublishedContent(batch, project, version);
      compiled.set(key, content);
      return content;
    },
  };
  try {
    const first = await examine(text, options.check, context);
    report.problems.push(...first.problems);
    report.stale = first.stale;
    report.repaired = first.repaired;
    if (badSignature && options.check) report.problems.push(badSignature);
    if (options.check) {
      const governance = await lockfileProtectionProblems(project, index, first.rebuilt, batch);
      report.problems.push(...governance.problems);
      report.warnings.push(...governance.warnings);
    }
    if (project.config.types) {
      const typesProblem = await staleTypes(options.cwd, join(project.config.root, project.config.types));
      if (typesProblem) report.problems.push({ message: typesProblem });
    }
    if (options.check || !report.stale) return report;
    if (report.problems.length > 0) throw lockFailed(report.problems);
    // What was read above may be stale already (an activation since): the file is read again,
    // and rebuilt from what it says then, inside the lock every writer of it takes.
    const rebuilt = await rebuildLockfile(
      file,
      async (current) => {
        if (current === undefined) return undefined;
        const again = current === text ? first : await examine(current, false, context);
        if (again.problems.length > 0) throw lockFailed(again.problems);
        report.repaired = again.repaired;
        return again.rebuilt;
      },
      signing ? { signing } : { keepSignature: context.keepSignature },
    );
    const { written, ...note } = rebuilt;
    Object.assign(report, { written }, note);
    return report;
  } finally {
    await batch.close();
  }
}

interface RelockContext {
  project: GitProject;
  index: VersionIndex;
  /** `lock` signs what it writes with it: a file not signed so is stale. */
  signing: SigningKey | undefined;
  /** Without `signing`: keep a signature over unchanged content (false: it does not verify). */
  keepSignature: boolean;
  commitExists(commit: string): Promise<boolean>;
  history(): Promise<LockfileSnapshot[]>;
  read(version: PublishedVersion): Promise<PublishedContent>;
}

interface Examined {
  problems: LockProblem[];
  repaired: LockRepair[];
  /** The file differs from what `promptops lock` would write (hand-edited, stale, unformatted). */
  stale: boolean;
  rebuilt: Lockfile;
}

/** Something wrong with the lockfile, and how `lock` puts it right when it can. */
interface Finding {
  problem: LockProblem;
  repair?: LockRepair;
}

/** What is wrong with lockfile text, and the lockfile `lock` would write in its place. */
async function examine(text: string, check: boolean, context: RelockContext): Promise<Examined> {
  const { project } = context;
  const file = lockfilePathOf(project);
  const findings: Finding[] = [];
  const history = await context.history();
  const committed = history.at(-1)?.environments ?? {};
  let environments: Lockfile["environments"];
  let unparsed: LockProblem | undefined;
  try {
    environments = parseLockfile(text, file).environments;
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    // Stored content is recompiled from the tags, so only the entries have to be readable; one
    // that is not is taken from the newest commit of the lockfile, or dropped.
    const readable = readableEntries(text);
    if (!readable) {
      if (!check) throw unreadable(error);
      return { problems: [{ message: error.message }], repaired: [], stale: true, rebuilt: emptyLockfile() };
    }
    unparsed = { message: error.message };
    environments = {};
    for (const [env, entries] of Object.entries(readable)) {
      for (const [id, entry] of Object.entries(entries)) {
        if (typeof entry !== "string") {
          environments[env] = { ...environments[env], [id]: entry };
          continue;
        }
        const restored = committed[env]?.[id];
        if (restored) environments[env] = { ...environments[env], [id]: restored };
        findings.push({
          problem: {
            env,
            id,
            message: `${env}/${id}: ${entry}`,
            hint: "run `promptops lock` to restore the entry from the newest commit of promptops.lock, or restore the file from git",
          },
          repair: {
            env,
            id,
            message: `${env}/${id}: ${entry}: ${restored ? "restored the entry from the newest commit of promptops.lock" : "dropped the entry, as no commit of promptops.lock has it"}`,
          },
        });
      }
    }
  }
  const rebuilt = emptyLockfile();
  for (const [env, entries] of Object.entries(environments)) {
    if (!project.config.environments.includes(env)) {
      const configured = `environments: ${project.config.environments.join(", ")}`;
      findings.push({
        problem: { env, message: `environment "${env}" is not configured (${configured})` },
        repair: {
          env,
          id: "",
          message: `dropped environment "${env}": it is not configured (${configured})`,
        },
      });
      continue;
    }
    for (const [id, entry] of Object.entries(entries)) {
      const finding = await relock(rebuilt, env, id, entry, context, committed[env]?.[id]);
      if (finding) findings.push(finding);
    }
  }
  for (const mismatch of checkHistoryFields(rebuilt, history, {
    shallow: project.shallow,
    now: Date.now(),
  })) {
    const { env, id, version, field, message, hint, expected } = mismatch;
    const finding: Finding = { problem: { env, id, version, field, message, hint } };
    const entry = rebuilt.environments[env]![id]!;
    if (field === "previous" || expected !== null) {
      finding.repair = {
        env,
        id,
        message: `${env}/${id}: ${field} ${JSON.stringify(entry[field] ?? null)} -> ${JSON.stringify(expected)}, as the lockfile's history says`,
      };
      Object.assign(entry, { [field]: expected });
    }
    findings.push(finding);
  }
  // What failed validation besides the entries (stored content) is rebuilt from the tags.
  if (unparsed && findings.length === 0)
    findings.push({
      problem: unparsed,
      repair: { message: "recompiled the stored content from the tags" },
    });
  // Pruned as every write prunes: content shared by several entries is labelled the same way.
  const pruned = pruneLockfile(rebuilt);
  // A signature of the same content is kept as it is; `lock` with a key signs afresh.
  const stale =
    lockfileToWrite(pruned, looseParse(text), context.signing, context.keepSignature).text !== text;
  if (!check) {
    try {
      validateLockfile(pruned, file);
    } catch (error) {
      if (!(error instanceof PromptOpsError)) throw error;
      findings.push({ problem: { message: error.message, hint: "restore promptops.lock from git" } });
    }
  }
  // --check reports everything; `lock` fails only on what it cannot repair.
  return check
    ? { problems: findings.map((f) => f.problem), repaired: [], stale, rebuilt }
    : {
        problems: findings.filter((f) => !f.repair).map((f) => f.problem),
        repaired: findings.flatMap((f) => (f.repair ? [f.repair] : [])),
        stale,
        rebuilt,
      };
}

/** Puts an entry into `rebuilt` as the tags say it is; returns what was wrong with it, if anything. */
async function relock(
  rebuilt: Lockfile,
  env: string,
  id: string,
  entry: LockfileEntry,
  context: RelockContext,
  committed: LockfileEntry | undefined,
): Promise<Finding | undefined> {
  const diagnosis = await diagnoseEntry(env, id, entry, {
    ...context,
    shallow: context.project.shallow,
    committed,
  });
  if (diagnosis.kind === "unsound")
    return { problem: { env, id, version: entry.version, message: diagnosis.message, hint: diagnosis.hint } };
  const { version } = diagnosis;
  const fixed = diagnosis.kind === "edited" ? diagnosis.entry : entry;
  const where = `${env}: ${id} v${version.version}`;
  const outcome = await context.read(version);
  if (!outcome.ok && outcome.kind === "unreadable")
    return { problem: { env, id, version: version.version, message: `${where}: ${outcome.problem}` } };
  if (!outcome.ok) {
    return {
      problem: {
        env,
        id,
        version: version.version,
        message: `${where}: the content at ${version.tag} no longer hashes to ${shortHash(version.hash)} (tampered)`,
        hint: "run `promptops verify`: a tampered version cannot be locked",
      },
    };
  }
  // Applications refuse a lockfile holding a template that is not data (loadPrompts checks every
  // one): say so here, where CI can still stop it.
  const unsafe = templateProblem(where, outcome.result.compiled);
  if (unsafe) return { problem: { env, id, version: version.version, message: unsafe } };
  rebuilt.environments[env] = { ...rebuilt.environments[env], [id]: { ...fixed } };
  rebuilt.prompts[fixed.hash] ??= lockedPrompt(id, fixed.version, outcome.result.compiled);
  if (diagnosis.kind === "sound") return undefined;
  return {
    problem: {
      env,
      id,
      version: entry.version,
      field: diagnosis.field,
      message: diagnosis.message,
      hint: "run `promptops lock` to rebuild the entry from the tags, or restore promptops.lock from git",
    },
    repair: { env, id, message: `${env}/${id}: ${diagnosis.change}` },
  };
}
