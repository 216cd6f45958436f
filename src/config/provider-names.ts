import { closestMatch } from "../schemas/did-you-mean.js";

/**
 * The names a provider reference is made of, and what is wrong with one: shared by `test`, which
 * stops on the first (providers/provider-spec.ts), and `validate`, which lists them all.
 */
export type ProviderKind = "openai" | "anthropic" | "openai-compatible" | "exec" | "echo";

export const PROVIDER_KINDS: readonly ProviderKind[] = [
  "openai",
  "anthropic",
  "openai-compatible",
  "exec",
  "echo",
];

export interface NameProblem {
  message: string;
  hint: string;
}

export function isProviderKind(text: string): text is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(text);
}

export function kindProblem(kind: string, where: string): NameProblem | undefined {
  if (isProviderKind(kind)) return undefined;
  const near = closestMatch(kind, PROVIDER_KINDS);
  return {
    message: `unknown provider kind "${kind}" in ${where}${near ? ` (did you mean "${near}"?)` : ""}`,
    hint: `known kinds: ${PROVIDER_KINDS.join(", ")}`,
  };
}

export function missingModelProblem(ref: string, kind: ProviderKind): NameProblem {
  const example = kind === "exec" ? "exec:./reply.sh" : `${kind}:<model>`;
  return {
    message: `provider "${ref}" names no ${kind === "exec" ? "command" : "model"}`,
    hint: `write it as ${example}`,
  };
}

export function unknownNameProblem(ref: string, ids: readonly string[]): NameProblem {
  const near = closestMatch(ref, [...ids, ...PROVIDER_KINDS]);
  return {
    message: `no provider "${ref}" in the config${near ? ` (did you mean "${near}"?)` : ""}`,
    hint: `use a configured id (${ids.join(", ") || "none"}) or "kind:model", e.g. openai:gpt-4o-mini`,
  };
}

/**
 * A reference by name: a config id (`ids`), "kind:model", `echo`, or with `bareKinds` a bare kind
 * (in a prompt's matrix, `openai` stands for the prompt's own OpenAI model).
 */
export function refProblem(
  ref: string,
  ids: readonly string[],
  options: { bareKinds?: boolean } = {},
): NameProblem | undefined {
  const text = ref.trim();
  if (ids.includes(text)) return undefined;
  const colon = text.indexOf(":");
  if (colon < 0 && !isProviderKind(text)) return unknownNameProblem(text, ids);
  // Split at the first colon only: model names ("llama3.2:3b") and commands may hold more.
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1).trim();
  const badKind = kindProblem(kind, `"${ref}"`);
  if (badKind) return badKind;
  if (rest || kind === "echo") return undefined;
  if (options.bareKinds && colon < 0 && kind !== "exec") return undefined;
  return missingModelProblem(ref, kind as ProviderKind);
}
