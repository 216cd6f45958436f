import { readFile } from "node:fs/promises";
import { PromptOpsError } from "../errors.js";
import { checkLockfileSignature, type TrustedKey } from "../lockfile/lockfile-signature.js";
import { looseParse } from "../lockfile/lockfile-to-write.js";
import type { CompiledPrompt } from "../prompt/prompt-file.js";
import { compilePromptTemplates } from "../prompt/render.js";
import { generateTypes } from "../typegen/generate-types.js";

// What `lock` and `lock --check` say is wrong, beside the rebuild itself (lock-project.ts).

export interface LockProblem {
  env?: string;
  id?: string;
  version?: number;
  /** The entry's field that was edited, when that is what is wrong. */
  field?: string;
  message: string;
  hint?: string;
}

/** Why the lockfile's signature is not the trusted key's over its content; undefined when it is. */
export function signatureProblem(text: string, trusted: TrustedKey, file: string): LockProblem | undefined {
  const data = looseParse(text);
  // A file that is not JSON is reported as such already.
  if (data === undefined) return undefined;
  try {
    // Printed after the file's name already.
    checkLockfileSignature(data, trusted, { file }, "the lockfile");
    return undefined;
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    return { field: "signature", message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
}

/** `lock` cannot rebuild a file it cannot read: the error's usual hint would send the user back to it. */
export function unreadable(error: PromptOpsError): PromptOpsError {
  if (error.hint?.includes("promptops lock") !== true) return error;
  return new PromptOpsError(error.code, error.message, {
    exitCode: error.exitCode,
    ...(error.location ? { location: error.location } : {}),
    hint: "restore it from git (git checkout -- promptops.lock): `promptops lock` rebuilds entries, but only from a lockfile it can read as JSON",
  });
}

export function lockFailed(problems: LockProblem[]): PromptOpsError {
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more: see \`promptops lock --check\`)` : "";
  return new PromptOpsError("lock-failed", `cannot relock: ${problems[0]!.message}${more}`, {
    exitCode: 1,
    hint: problems[0]!.hint ?? "`promptops verify` checks the tags",
  });
}

/** With config `types`, the generated declarations must match what `promptops types` would write now. */
export async function staleTypes(cwd: string, file: string): Promise<string | undefined> {
  const generated = await generateTypes({ cwd });
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === generated.text) return undefined;
  return `${file} is ${current === undefined ? "missing" : "stale"}: run \`promptops types\``;
}

export function templateProblem(where: string, compiled: CompiledPrompt): string | undefined {
  try {
    compilePromptTemplates(where, compiled);
    return undefined;
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    return error.message;
  }
}
