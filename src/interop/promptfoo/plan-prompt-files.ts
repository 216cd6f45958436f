import { stringify } from "yaml";
import { analyseTemplate, TemplateSyntaxError } from "../../prompt/template-analysis.js";
import type { NotCarriedList } from "./not-carried.js";
import type { ImportedPrompt } from "./promptfoo-prompts.js";
import type { ImportedModel } from "./promptfoo-providers.js";
import type { ImportedTest } from "./promptfoo-tests.js";

export interface PlannedPrompt {
  id: string;
  text: string;
  tests: number;
}

/**
 * One promptops prompt file per promptfoo prompt, each with every test (promptfoo runs each test
 * on each prompt), its variables declared from the templates, typed by the tests' values.
 */
export function planPromptFiles(input: {
  prompts: ImportedPrompt[];
  tests: ImportedTest[];
  model: ImportedModel | undefined;
  description: string | undefined;
  notes: NotCarriedList;
}): PlannedPrompt[] {
  const ids = new Set<string>();
  return input.prompts.map((prompt, index) => {
    const id = uniqueId(prompt.name, ids);
    const used = templateVariables(prompt, index, input.notes);
    const variables = Object.fromEntries(used.map((name) => [name, schemaFor(input.tests, name)]));
    const file: Record<string, unknown> = {};
    if (input.description) file.description = input.description;
    if (input.model) file.model = input.model;
    if (used.length > 0) file.variables = variables;
    file.messages = prompt.messages;
    if (input.tests.length > 0)
      file.tests = input.tests.map((test) => ({
        name: test.name,
        // promptfoo hands every test's vars to every prompt; a prompt declares only those it uses.
        ...(used.length > 0 ? { vars: testVars(test, used, variables, id, input.notes) } : {}),
        ...(test.threshold !== undefined ? { threshold: test.threshold } : {}),
        assert: test.assert,
      }));
    const header =
      "# yaml-language-server: $schema=../node_modules/promptops/schemas/prompt.schema.json\n# Imported from a promptfoo config by `promptops import promptfoo`.\n";
    return {
      id,
      text: header + stringify(file, { lineWidth: 0, aliasDuplicateObjects: false }),
      tests: input.tests.length,
    };
  });
}

/**
 * The test's values of the variables the prompt uses. promptfoo renders a variable a test leaves
 * out as empty text; promptops refuses a missing one, so the import gives it "" and says so.
 */
function testVars(
  test: ImportedTest,
  used: string[],
  schemas: Record<string, Record<string, unknown>>,
  id: string,
  notes: NotCarriedList,
): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const name of used) {
    if (name in test.vars) vars[name] = test.vars[name];
    else if (schemas[name]?.type === "string") {
      vars[name] = "";
      notes.add(
        test.path,
        `test "${test.name}" gives prompt "${id}" no "${name}": promptfoo renders it empty, so it is "" here`,
        "key",
        "review",
      );
    }
  }
  return vars;
}

function templateVariables(prompt: ImportedPrompt, index: number, notes: NotCarriedList): string[] {
  const names = new Set<string>();
  for (const message of prompt.messages) {
    try {
      for (const name of analyseTemplate(message.content).variables.keys()) names.add(name);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      notes.add(
        ["prompts", index],
        `prompt "${prompt.name}" has a template promptops cannot parse: ${error.message}`,
        "value",
        "review",
      );
    }
  }
  return [...names];
}

function schemaFor(tests: ImportedTest[], name: string): Record<string, unknown> {
  const value = tests.find((test) => name in test.vars)?.vars[name];
  if (Array.isArray(value)) return { type: "array" };
  if (value === null) return {};
  if (typeof value === "object") return { type: "object" };
  if (typeof value === "number" || typeof value === "boolean") return { type: typeof value };
  return { type: "string" };
}

const ID_SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;

export function uniqueId(name: string, taken: Set<string>): string {
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "");
  if (!ID_SEGMENT.test(base)) base = "prompt";
  // A segment like "v2" would read as a version in tag names.
  if (/^v\d+$/.test(base)) base = `prompt-${base}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
