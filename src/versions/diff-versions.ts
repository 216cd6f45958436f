import { createTwoFilesPatch } from "diff";
import { estimateTokenCount } from "tokenx";
import { stringify } from "yaml";
import { CatFileBatch } from "../git/index.js";
import { type CompiledPrompt, isPlaceholder } from "../prompt/prompt-file.js";
import { textOf } from "../prompt/provider-formats.js";
import { openGitProject } from "./git-project.js";
import { resolveVersion } from "./resolve-version.js";
import { readVersionIndex } from "./version-index.js";

export interface DiffOptions {
  cwd: string;
  id: string;
  /** Default: the latest published version. */
  from?: string;
  /** Default: draft. */
  to?: string;
}

export interface VersionDiff {
  id: string;
  from: { label: string; hash: string; staticTokens: number };
  to: { label: string; hash: string; staticTokens: number };
  /** Unified diff of the compiled content as YAML; empty when identical. */
  patch: string;
  tokenDelta: number;
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
  const fromRef = options.from ?? (latest ? `v${latest.version}` : "draft");
  const toRef = options.to ?? "draft";
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
    const fromTokens = staticPromptTokens(from.result.compiled);
    const toTokens = staticPromptTokens(to.result.compiled);
    return {
      id: options.id,
      from: { label: from.label, hash: from.result.hash, staticTokens: fromTokens },
      to: { label: to.label, hash: to.result.hash, staticTokens: toTokens },
      patch,
      tokenDelta: toTokens - fromTokens,
    };
  } finally {
    await batch.close();
  }
}
