import { relative } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import {
  configuredById,
  ownModelSpec,
  type ProviderSpec,
  resolveForPrompt,
} from "../providers/provider-spec.js";
import type { CaseSelection, PromptUnderTest } from "./plan-cases.js";

/** Which providers each prompt's tests run on (DESIGN.md §5, "Which models a prompt is tested on"). */
export interface TestMatrix {
  /** Every provider some prompt is tested on, each once, in first-seen order. */
  providers: ProviderSpec[];
  /** The provider ids of each prompt, by prompt id: its own model first. */
  byPrompt: Map<string, string[]>;
}

/**
 * A prompt is tested on its own `model:` (what production calls) plus a matrix: the prompt's own
 * `providers:` when it has that key, else the config's `providers:`. `--providers` (`selected`)
 * replaces all of it for one run. The same provider listed twice runs once.
 */
export function testMatrix(
  config: ProjectConfig,
  units: readonly PromptUnderTest[],
  selected: readonly string[] | undefined,
): TestMatrix {
  const byId = configuredById(config.providers);
  const configMatrix = [...byId.values()];
  const providers = new Map<string, ProviderSpec>();
  const byPrompt = new Map<string, string[]>();
  for (const unit of units) {
    const own = unit.compiled.model ? ownModelSpec(unit.compiled.model, byId) : undefined;
    const declared = unit.prompt.prompt?.providers;
    let specs: Array<ProviderSpec | undefined>;
    if (selected && selected.length > 0) specs = selected.map((ref) => resolveForPrompt(ref, byId, own));
    else if (declared) specs = [own, ...declared.map((ref) => resolveForPrompt(ref, byId, own))];
    else specs = [own, ...configMatrix];
    const ids: string[] = [];
    for (const spec of specs) {
      if (!spec || ids.includes(spec.id)) continue;
      ids.push(spec.id);
      if (!providers.has(spec.id)) providers.set(spec.id, spec);
    }
    if (ids.length === 0 && hasCases(unit)) throw noProvider(config, unit, own, selected);
    byPrompt.set(unit.prompt.id, ids);
  }
  return { providers: [...providers.values()], byPrompt };
}

function hasCases(unit: PromptUnderTest): boolean {
  const file = unit.prompt.prompt;
  return (file?.tests?.length ?? 0) > 0 || (file?.boundary?.length ?? 0) > 0;
}

function noProvider(
  config: ProjectConfig,
  unit: PromptUnderTest,
  own: ProviderSpec | undefined,
  selected: readonly string[] | undefined,
): PromptOpsError {
  const location = { file: relative(config.root, unit.prompt.file).split("\\").join("/") };
  const model = own ? `its own model is ${own.id}` : "it declares no `model:`";
  if (selected && selected.length > 0)
    return new PromptOpsError(
      "provider-invalid",
      `--providers ${selected.join(",")} leaves prompt "${unit.prompt.id}" with no provider: ${model}`,
      {
        exitCode: 2,
        location,
        hint: "a bare kind (openai, anthropic) stands for each prompt's own model of that kind; name a model for the others, e.g. --providers openai,anthropic:claude-haiku-4-5",
      },
    );
  return new PromptOpsError("provider-invalid", `prompt "${unit.prompt.id}" has no model to test on`, {
    exitCode: 2,
    location,
    hint: "declare `model:` in the prompt, or list `providers:` in promptops.config.yaml (`echo` checks composition offline)",
  });
}

/** The provider ids a prompt's cases are planned on. */
export function providersOf(selection: CaseSelection, promptId: string): readonly string[] {
  return selection.matrix?.get(promptId) ?? selection.providers;
}
