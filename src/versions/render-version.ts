import { loadConfigOrThrow } from "../config/load-config.js";
import { CatFileBatch } from "../git/index.js";
import { type RenderedMessage, renderPrompt } from "../prompt/render.js";
import { applyVarAssignments } from "../prompt/var-assignments.js";
import { openGitProject } from "./git-project.js";
import {
  lockedVersion,
  type ResolvedVersion,
  readEnvironmentLockfile,
  resolveVersion,
} from "./resolve-version.js";
import { readVersionIndex } from "./version-index.js";
import type { VersionRef } from "./version-ref.js";

export interface RenderVersionOptions {
  cwd: string;
  id: string;
  version: VersionRef;
  vars: Record<string, unknown>;
  assignments?: readonly string[];
}

/**
 * Renders a published version from its tag's content in git, never from the working tree; an
 * environment's version from the content its lockfile holds, with no git at all (as `test --env`).
 */
export async function renderVersion(
  options: RenderVersionOptions,
): Promise<{ label: string; hash: string; messages: RenderedMessage[] }> {
  const resolved = await resolveForRender(options);
  const { compiled, hash } = resolved.result;
  const vars = applyVarAssignments({ ...options.vars }, options.assignments ?? [], compiled.variables ?? {});
  return { label: resolved.label, hash, messages: renderPrompt(options.id, compiled, vars) };
}

async function resolveForRender({ cwd, id, version }: RenderVersionOptions): Promise<ResolvedVersion> {
  if (version.kind === "env") {
    const config = loadConfigOrThrow(cwd);
    return lockedVersion(await readEnvironmentLockfile({ config }, version.env), version.env, id);
  }
  const project = await openGitProject(cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const batch = new CatFileBatch(project.repoRoot);
  try {
    return await resolveVersion(project, index, batch, id, version);
  } finally {
    await batch.close();
  }
}
