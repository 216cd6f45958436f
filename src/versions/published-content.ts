import { PromptOpsError } from "../errors.js";
import type { CatFileBatch } from "../git/index.js";
import type { CompiledResult } from "../prompt/compile-prompt.js";
import { compileAtCommit } from "./compile-at-commit.js";
import type { GitProject } from "./git-project.js";
import type { PublishedVersion } from "./version-index.js";

/** A published version's content as its tag has it, or why it cannot be trusted. */
export type PublishedContent =
  | { ok: true; result: CompiledResult }
  /** The prompt (or a partial it includes) is missing or invalid at the tagged commit. */
  | { ok: false; kind: "unreadable"; problem: string }
  /** The content compiles but no longer hashes to the tag's Prompt-Hash: the tag moved or was forged. */
  | { ok: false; kind: "tampered"; hash: string };

/**
 * The one way to read a published version: compile it at its tagged commit and check the result
 * against the Prompt-Hash the tag recorded when it was published. Callers phrase the failure
 * (a thrown error for activate and render, a reported problem for verify and lock).
 */
export async function readPublishedContent(
  batch: CatFileBatch,
  project: GitProject,
  version: PublishedVersion,
): Promise<PublishedContent> {
  const outcome = await compileAtCommit(batch, project, version.commit, version.id);
  if (!outcome.ok) return { ok: false, kind: "unreadable", problem: outcome.problem };
  if (outcome.result.hash !== version.hash) return { ok: false, kind: "tampered", hash: outcome.result.hash };
  return outcome;
}

/** The content of a version that must be sound: unreadable or tampered content is an error. */
export async function trustedPublishedContent(
  batch: CatFileBatch,
  project: GitProject,
  version: PublishedVersion,
  /** What to do about tampering, where the caller is. */
  tamperedHint: string,
): Promise<CompiledResult> {
  const content = await readPublishedContent(batch, project, version);
  if (content.ok) return content.result;
  if (content.kind === "unreadable")
    throw new PromptOpsError("version-unreadable", `${version.tag}: ${content.problem}`, { exitCode: 1 });
  throw new PromptOpsError(
    "version-tampered",
    `${version.tag}: its content no longer matches its Prompt-Hash`,
    {
      exitCode: 1,
      hint: tamperedHint,
    },
  );
}
