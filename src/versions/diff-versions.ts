import { createTwoFilesPatch } from "diff";
import { estimateTokenCount } from "tokenx";
import { stringify } from "yaml";
import { CatFileBatch } from "../git/index.js";
import { type CompiledPrompt, isPlaceholder } from "../prompt/prompt-file.js";
import { textOf } from "../prompt/provider-formats.js";
import { costUsd as costOfTokens } from "../providers/pricing.js";
import { openGitProject } from "./git-project.js";
import { resolveVersion } from "./resolve-version.js";
import { readVersionIndex } from "./version-index.js";
import type { VersionRef } from "./version-ref.js";

export interface DiffOptions {
  cwd: string;
  id: string;
  /** Default: the latest published version. */
  from?: VersionRef;
  /** Default: draft. */
  to?: VersionRef;
}

export interface VersionDiff {
  id: string;
  from: { label: string; hash: string; staticTokens: number; model: string | null; costUsd: number | null };
  to: { label: string; hash: string; staticTokens: number; model: string | null; costUsd: number | null };
  /** Unified diff of the compiled content as YAML; empty when identical. */
  patch: string;
  tokenDelta: number;
  /** Change in the estimated cost of those tokens per call at the model's list price; null when unpriced. */
  costDeltaUsd: number | null;
}

/** Readable YAML of the versioned content, so a changed partial shows as changed lines. */
export function compiledAsYaml(compiled: CompiledPrompt): string {
  return stringify(compiled, { lineWidth: 0, blockQuote: "literal" });
}

/**
 * Tokens of the messages' static text (templates unrendered, placeholders empty): what every
 * call pays before any variable. Estimated: exact tokenizers would add tens of MB to the install.
 */
export function staticPromptTokens(compiled: CompiledPrompt): number {
  return compiled.messages.reduce(
    (sum, m) => sum + (isPlaceholder(m) ? 0 : estimateTokenCount(textOf(m.content))),
    0,
  );
}

export async function diffVersions(options: DiffOptions): Promise<VersionDiff> {
  const project = await openGitProject(options.cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const latest = index.byId.get(options.id)?.at(-1);
  const fromRef: VersionRef =
    options.from ?? (latest ? { kind: "published", version: latest.version } : { kind: "draft" });
  const toRef: VersionRef = options.to ?? { kind: "draft" };
  const batch = new CatFileBatch(project.repoRoot);
  try {
    const [from, to] = await Promise.all([
      resolveVersion(project, index, batch, options.id, fromRef),
      resolveVersion(project, index, batch, options.id, toRef),
    ]);
    const patch =
      from.result.hash === to.result.hash
        ? ""
        : createTwoFilesPatch(
            `${options.id}@${from.label}`,
            `${options.id}@${to.label}`,
            compiledAsYaml(from.result.compiled),
            compiledAsYaml(to.result.compiled),
            undefined,
            undefined,
            { context: 3 },
          );
    const side = (resolved: typeof from) => {
      const staticTokens = staticPromptTokens(resolved.result.compiled);
      const model = resolved.result.compiled.model;
      const costUsd = model
        ? costOfTokens(
            { kind: model.provider, model: model.name },
            { input: staticTokens, output: 0 },
            project.config.pricing,
          )
        : null;
      return {
        label: resolved.label,
        hash: resolved.result.hash,
        staticTokens,
        model: model ? `${model.provider}:${model.name}` : null,
        costUsd,
      };
    };
    const fromSide = side(from);
    const toSide = side(to);
    return {
      id: options.id,
      from: fromSide,
      to: toSide,
      patch,
      tokenDelta: toSide.staticTokens - fromSide.staticTokens,
      costDeltaUsd:
        fromSide.costUsd === null || toSide.costUsd === null ? null : toSide.costUsd - fromSide.costUsd,
    };
  } finally {
    await batch.close();
  }
}
