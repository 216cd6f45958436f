import type { ProviderConfig } from "../config/config.js";
import { paramNameProblems } from "../config/param-names.js";
import { isProviderKind, PROVIDER_KINDS, refProblem } from "../config/provider-names.js";
import type { Diagnostic } from "../diagnostics.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import type { PathSegment } from "../yaml/yaml-source.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The provider and param names of a prompt file, which `test` would otherwise trip on only once
 * it starts (or never, for a param the API silently ignores): its model's provider and params,
 * its own `providers:`, and the judges its assertions name. Read from the file as written, so
 * they are checked even when its schema failed elsewhere.
 */
export function checkProviderNames(
  loaded: LoadedPrompt,
  configured: readonly ProviderConfig[],
): Diagnostic[] {
  const file = loaded.source.value;
  if (!isMap(file)) return [];
  const ids = configured.map((entry) => (typeof entry === "string" ? entry.trim() : entry.id));
  const diagnostics: Diagnostic[] = [];
  const report = (path: PathSegment[], code: string, problem: { message: string; hint?: string }) =>
    diagnostics.push(
      diagnosticAt(loaded.source, path, code, problem.message, problem.hint ? { hint: problem.hint } : {}),
    );

  const { model } = file;
  if (isMap(model)) {
    const { provider } = model;
    if (typeof provider === "string" && !ids.includes(provider) && !isProviderKind(provider)) {
      const near = closestMatch(provider, [...PROVIDER_KINDS, ...ids]);
      report(["model", "provider"], "model-provider-unknown", {
        message: `unknown provider "${provider}" in model${near ? ` (did you mean "${near}"?)` : ""}`,
        hint: `a provider kind (${PROVIDER_KINDS.join(", ")}) or the id of a provider in promptops.config.yaml`,
      });
    }
    if (isMap(model.params))
      for (const problem of paramNameProblems(model.params, "model.params"))
        diagnostics.push(
          diagnosticAt(
            loaded.source,
            ["model", "params", problem.name],
            "model-param-unknown",
            problem.message,
            {
              hint: problem.hint,
              target: "key",
            },
          ),
        );
  }
  if (Array.isArray(file.providers))
    file.providers.forEach((ref, i) => {
      const problem = typeof ref === "string" ? refProblem(ref, ids, { bareKinds: true }) : undefined;
      if (problem) report(["providers", i], "providers-unknown", problem);
      else if (typeof ref === "string" && isBareKindOtherThan(ref.trim(), model))
        diagnostics.push(
          diagnosticAt(
            loaded.source,
            ["providers", i],
            "providers-bare-kind",
            `"${ref.trim()}" adds nothing here: a bare kind stands for the prompt's own model, which is not of kind ${ref.trim()}`,
            { severity: "warning", hint: `name the model, e.g. ${ref.trim()}:<model>` },
          ),
        );
    });
  if (Array.isArray(file.tests))
    file.tests.forEach((test, i) => {
      if (!isMap(test) || !Array.isArray(test.assert)) return;
      test.assert.forEach((assertion, j) => {
        for (const type of ["llm-judge", "similar"]) {
          const value = isMap(assertion) ? assertion[type] : undefined;
          const ref = isMap(value) ? value.provider : undefined;
          const problem = typeof ref === "string" ? refProblem(ref, ids) : undefined;
          if (problem)
            report(["tests", i, "assert", j, type, "provider"], "assertion-provider-unknown", problem);
        }
      });
    });
  return diagnostics;
}

/** `anthropic` in the matrix of a prompt whose own model is not an Anthropic one (nor a config id). */
function isBareKindOtherThan(ref: string, model: unknown): boolean {
  if (!isProviderKind(ref) || ref === "echo" || ref === "exec") return false;
  const provider = isMap(model) ? model.provider : undefined;
  return !(typeof provider === "string" && (provider === ref || !isProviderKind(provider)));
}
