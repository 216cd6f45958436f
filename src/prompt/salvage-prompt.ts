import type { PromptFile, PromptMessage, VariableSchema } from "./prompt-file.js";

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The usable parts of a prompt file that failed its schema, so validate can still report
 * template, variable and test problems in the same run. Broken entries become inert
 * placeholders in place (list indices must keep pointing at the right YAML nodes), and whole
 * sections with schema errors are left out rather than guessed at.
 */
export function salvagePrompt(raw: Record<string, unknown>, errorPaths: readonly string[]): PromptFile {
  const broken = (section: string) =>
    errorPaths.some((p) => p === `/${section}` || p.startsWith(`/${section}/`));
  const inert: PromptMessage = { role: "user", content: "" };
  const messages: PromptMessage[] = Array.isArray(raw.messages)
    ? raw.messages.map((m): PromptMessage => {
        if (!isMap(m)) return inert;
        if (typeof m.placeholder === "string") return { placeholder: m.placeholder };
        if (typeof m.content === "string") return { role: "user", content: m.content };
        if (Array.isArray(m.content)) {
          return {
            role: "user",
            content: m.content.map((part) =>
              isMap(part) && typeof part.text === "string"
                ? { type: "text" as const, text: part.text }
                : isMap(part) && isMap(part.image_url) && typeof part.image_url.url === "string"
                  ? { type: "image_url" as const, image_url: { url: part.image_url.url } }
                  : { type: "text" as const, text: "" },
            ),
          };
        }
        return inert;
      })
    : [];
  const variables = isMap(raw.variables)
    ? Object.fromEntries(
        Object.entries(raw.variables).filter((entry): entry is [string, VariableSchema] => isMap(entry[1])),
      )
    : undefined;
  return {
    messages,
    ...(variables ? { variables } : {}),
    ...(!broken("tests") && Array.isArray(raw.tests) && !broken("variables")
      ? { tests: raw.tests as PromptFile["tests"] }
      : {}),
  };
}
