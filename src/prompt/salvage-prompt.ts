import type { PromptFile, PromptMessage, PromptTest, VariableSchema } from "./prompt-file.js";

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The usable parts of a prompt file that failed its schema, so validate can still report
 * template, variable and test problems in the same run. Broken entries become inert
 * placeholders in place (list indices must keep pointing at the right YAML nodes), and whole
 * sections with schema errors are left out rather than guessed at, but for tests: each test's
 * well-formed parts are still checked.
 */
export function salvagePrompt(raw: Record<string, unknown>): PromptFile {
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
    ...(Array.isArray(raw.tests) ? { tests: raw.tests.map(salvageTest) } : {}),
  };
}

/**
 * A test with the shape checkTests walks (a name, a list of maps to assert), whatever was written:
 * its other problems are still found, while checkTests skips the parts the schema reported
 * (LoadedPrompt.schemaErrorPaths), so a mistake is never reported twice.
 */
function salvageTest(test: unknown): PromptTest {
  const written = isMap(test) ? test : {};
  const { vars, ...rest } = written;
  return {
    ...rest,
    name: typeof written.name === "string" ? written.name : "",
    ...(isMap(vars) ? { vars } : {}),
    assert: Array.isArray(written.assert) ? written.assert.map((a) => (isMap(a) ? a : {})) : [],
  };
}
