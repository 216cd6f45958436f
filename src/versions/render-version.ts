import { CatFileBatch } from "../git/index.js";
import { type RenderedMessage, renderPrompt } from "../prompt/render.js";
import { applyVarAssignments } from "../prompt/var-assignments.js";
import { openGitProject } from "./git-project.js";
import { resolveVersion } from "./resolve-version.js";
import { readVersionIndex } from "./version-index.js";

export interface RenderVersionOptions {
  cwd: string;
  id: string;
  /** `3`, `v3` or `draft`. */
  version: string;
  vars: Record<string, unknown>;
  assignments?: readonly string[];
}

/** Renders a published version from its tag's content in git, never from the working tree. */
export async function renderVersion(
  options: RenderVersionOptions,
): Promise<{ label: string; hash: string; messages: RenderedMessage[] }> {
  const project = await openGitProject(options.cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const batch = new CatFileBatch(project.repoRoot);
  try {
    const resolved = await resolveVersion(project, index, batch, options.id, options.version);
    const { compiled, hash } = resolved.result;
    const vars = applyVarAssignments(
      { ...options.vars },
      options.assignments ?? [],
      compiled.variables ?? {},
    );
    return { label: resolved.label, hash, messages: renderPrompt(options.id, compiled, vars) };
  } finally {
    await batch.close();
  }
}
