import { rm } from "node:fs/promises";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { writeFileAtomic } from "../../fs/write-file-atomic.js";
import type { ExtractResult } from "../extract/extracted-prompt.js";
import { loadTypeScript, type TypeScriptApi as TypeScript } from "../extract/load-typescript.js";
import {
  type PlannedFile,
  planRewrite,
  type RewriteOptions,
  type RewritePlan,
  readIfExists,
} from "./plan-rewrite.js";

export type { RewriteOptions } from "./plan-rewrite.js";

/** What `extract --write` did: the files written, the call sites rewritten and those left alone. */
export type RewriteOutcome = Pick<RewritePlan, "rewritten" | "leftAlone"> & { written: string[] };

/**
 * `extract --write`: rewrites every call site extract proved safe to the runtime call that sends
 * the same request, with the generated `prompts` module beside the sources. Plans every file
 * first and writes nothing when any edit cannot be made; then writes each file atomically.
 */
export async function rewriteCallSites(
  result: ExtractResult,
  options: RewriteOptions,
  typescript?: TypeScript,
): Promise<RewriteOutcome> {
  const plan = planRewrite(typescript ?? (await loadTypeScript(options.root)), result, options);
  await writePlan(plan.files, options.writeFile ?? writeFileAtomic);
  return { rewritten: plan.rewritten, leftAlone: plan.leftAlone, written: plan.files.map((f) => f.file) };
}

/**
 * `extract --write` in a project: the generated module reads the project's promptops.lock, in its
 * last environment (the end of the promotion order, production by default) unless PROMPTOPS_ENV says.
 */
export function rewriteInProject(result: ExtractResult, cwd: string): Promise<RewriteOutcome> {
  const config = loadConfigOrThrow(cwd);
  return rewriteCallSites(result, { root: config.root, env: config.environments.at(-1) ?? "production" });
}

/**
 * Generated modules first, then the sources that import them. A file changed since it was read
 * (an editor saved it) stops everything before the first write; a write that fails puts back the
 * files already written, so the app is never left half-rewritten.
 */
async function writePlan(
  files: readonly PlannedFile[],
  writeFile: (file: string, text: string) => Promise<void>,
): Promise<void> {
  for (const { file, before } of files) {
    if (readIfExists(file) !== before) {
      throw new PromptOpsError("rewrite-write-failed", `${file} changed while --write planned its edits`, {
        hint: "nothing was written: run extract --write again",
      });
    }
  }
  const written: PlannedFile[] = [];
  try {
    for (const planned of files) {
      await writeFile(planned.file, planned.after);
      written.push(planned);
    }
  } catch (error) {
    for (const { file, before } of written.reverse()) {
      const undo = before === undefined ? rm(file, { force: true }) : writeFileAtomic(file, before);
      await undo.catch(() => {});
    }
    throw new PromptOpsError(
      "rewrite-write-failed",
      `--write could not write ${files[written.length]?.file}: ${(error as Error).message}`,
      {
        exitCode: 2,
        hint: "the files written before it were put back; fix the cause and run extract --write again",
        cause: error,
      },
    );
  }
}
