import { stringify } from "yaml";
import type { CompiledPrompt, ContentPart, PromptFile, PromptMessage } from "../../prompt/prompt-file.js";
import { isPlaceholder } from "../../prompt/prompt-file.js";
import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord } from "../promptfoo/not-carried.js";
import { PARAMS } from "../promptfoo/promptfoo-providers.js";
import { ROLE_LINE, TRIM_CLOSE, TRIM_OPEN } from "./prompty-body.js";
import { nunjucksToJinja, rewriteTagCode } from "./template-dialect.js";

/** Something the .prompty file cannot say; `refuse` when writing it would change the prompt. */
export interface ExportProblem {
  path: PathSegment[];
  message: string;
  refuse: boolean;
}

const INPUT_TYPES = new Set(["string", "number", "boolean", "array", "object"]);
const IMAGE = /!\[[^\]]*\]\(/;

/**
 * The .prompty text of a compiled prompt: model, variables and the first test's values in the
 * front matter, messages as role lines in a Jinja2 body. What Prompty cannot say is returned as
 * problems; the caller refuses to write when one of them would make the file say something else.
 */
export function writePrompty(
  id: string,
  compiled: CompiledPrompt,
  file: PromptFile,
): { text: string; problems: ExportProblem[] } {
  const problems: ExportProblem[] = [];
  const problem = (path: PathSegment[], message: string, refuse = false) =>
    problems.push({ path, message, refuse });
  const sample = firstTestVars(file, problem);
  const front: Record<string, unknown> = { name: id };
  if (file.description) front.description = file.description;
  if (file.owners && file.owners.length > 0) front.authors = file.owners;
  const model = modelSection(compiled, problem);
  if (model) front.model = model;
  const inputs = inputsSection(compiled.variables ?? {}, sample, problem);
  if (Object.keys(inputs).length > 0) front.inputs = inputs;
  if (sample) front.sample = sample;
  for (const key of ["providers", "boundary"] as const)
    if (file[key]) problem([key], `not carried over: "${key}" (Prompty has no such setting)`);
  if (containsReference(front))
    problem(
      [],
      "a value looks like a Prompty reference ($\u007B…}), which Prompty would resolve when loading",
      true,
    );
  const isMap = mapTest(compiled.variables ?? {}, sample);
  const body = compiled.messages.map((message, i) => messageText(message, i, isMap, problem)).join("\n\n");
  const yaml = stringify(front, { lineWidth: 0, aliasDuplicateObjects: false });
  // Prompty's loader ends the front matter at the first --- or +++, wherever it stands.
  if (/---|\+\+\+/.test(yaml))
    problem([], "a value holding --- or +++, where Prompty would end the front matter", true);
  return { text: `---\n# Exported by \`promptops export prompty\`.\n${yaml}---\n${body}\n`, problems };
}

function firstTestVars(
  file: PromptFile,
  problem: (path: PathSegment[], message: string, refuse?: boolean) => void,
): Record<string, unknown> | undefined {
  const tests = file.tests ?? [];
  tests.forEach((test, i) => {
    if ("file" in test)
      problem(["tests", i], `not carried over: the dataset ${test.file} (Prompty keeps one sample)`);
    else if (i > 0)
      problem(
        ["tests", i],
        `not carried over: test "${test.name}" (Prompty keeps one sample: the first test's values)`,
      );
    else if (test.assert.length > 0)
      problem(
        ["tests", i, "assert"],
        `not carried over: the assertions of test "${test.name}" (its values are the sample)`,
      );
  });
  const first = tests[0];
  return first && !("file" in first) && first.vars ? first.vars : undefined;
}

function modelSection(
  compiled: CompiledPrompt,
  problem: (path: PathSegment[], message: string) => void,
): Record<string, unknown> | undefined {
  const parameters: Record<string, unknown> = {};
  const model = compiled.model;
  if (model && model.provider !== "openai")
    problem(
      ["model", "provider"],
      `not carried over: the model ${model.provider}:${model.name} (Prompty configures openai, azure_openai and serverless models)`,
    );
  for (const [name, value] of Object.entries(model?.params ?? {})) {
    if (PARAMS.includes(name)) parameters[name] = value;
    else problem(["model", "params", name], `not carried over: parameter "${name}"`);
  }
  if (compiled.response_format) parameters.response_format = compiled.response_format;
  if (compiled.tools) parameters.tools = compiled.tools;
  const section: Record<string, unknown> = { api: "chat" };
  if (model?.provider === "openai") section.configuration = { type: "openai", name: model.name };
  if (Object.keys(parameters).length > 0) section.parameters = parameters;
  return Object.keys(section).length > 1 ? section : undefined;
}

function inputsSection(
  variables: Record<string, Record<string, unknown>>,
  sample: Record<string, unknown> | undefined,
  problem: (path: PathSegment[], message: string) => void,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variables)) {
    const input: Record<string, unknown> = {};
    const type = schema.type === "messages" ? "array" : schema.type === "integer" ? "number" : schema.type;
    if (typeof type === "string" && INPUT_TYPES.has(type)) input.type = type;
    else {
      input.type = sampleType(sample?.[name]);
      problem(
        ["variables", name],
        `variable "${name}" has no Prompty type: it is an input of type ${input.type}`,
      );
    }
    if (schema.type === "integer")
      problem(["variables", name, "type"], `not carried over: "integer" (Prompty inputs are numbers)`);
    if (typeof schema.description === "string") input.description = schema.description;
    if ("default" in schema) input.default = schema.default;
    for (const key of Object.keys(schema))
      if (!["type", "description", "default", ...(schema.type === "messages" ? ["roles"] : [])].includes(key))
        problem(
          ["variables", name, key],
          `not carried over: "${key}" of variable "${name}" (a Prompty input has a type, a description and a default)`,
        );
    inputs[name] = input;
  }
  return inputs;
}

function sampleType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (isRecord(value)) return "object";
  return typeof value === "number" || typeof value === "boolean" ? typeof value : "string";
}

/** Whether a loop's expression (`ticket.fields`) is a map: from the schemas, else from the sample. */
function mapTest(
  variables: Record<string, Record<string, unknown>>,
  sample: Record<string, unknown> | undefined,
): (expression: string) => boolean | undefined {
  return (expression) => {
    const [root, ...rest] = expression.split(".");
    let schema: unknown = variables[root!];
    let value: unknown = sample?.[root!];
    for (const key of rest) {
      schema = isRecord(schema) && isRecord(schema.properties) ? schema.properties[key] : undefined;
      value = isRecord(value) ? value[key] : undefined;
    }
    if (isRecord(schema) && (schema.type === "object" || schema.type === "array"))
      return schema.type === "object";
    if (value !== undefined) return isRecord(value);
    return undefined;
  };
}

function messageText(
  message: PromptMessage,
  i: number,
  isMap: (expression: string) => boolean | undefined,
  problem: (path: PathSegment[], message: string, refuse?: boolean) => void,
): string {
  if (isPlaceholder(message))
    return `{% for item in ${message.placeholder} %}\n{{item.role}}:\n{{item.content}}\n{% endfor %}`;
  const path = ["messages", i];
  if (message.name) problem([...path, "name"], `not carried over: the participant name "${message.name}"`);
  const parts =
    typeof message.content === "string"
      ? [{ type: "text" as const, text: message.content }]
      : message.content;
  const texts = parts.map((part, p) =>
    partText(part, [...path, "content", ...(typeof message.content === "string" ? [] : [p])], isMap, problem),
  );
  const content = texts.join("\n");
  if (content.trim() === "")
    problem([...path, "content"], "the message is empty: Prompty refuses an empty message", true);
  return `${message.role}:\n${content}`;
}

function partText(
  part: ContentPart,
  path: PathSegment[],
  isMap: (expression: string) => boolean | undefined,
  problem: (path: PathSegment[], message: string, refuse?: boolean) => void,
): string {
  if (part.type === "image_url") {
    if (part.image_url.detail)
      problem(
        [...path, "image_url", "detail"],
        `not carried over: the image detail "${part.image_url.detail}"`,
      );
    if (/[\s)"]/.test(part.image_url.url))
      problem(
        [...path, "image_url", "url"],
        'an image URL with a space, ) or " cannot be a Markdown image',
        true,
      );
    return `![image](${part.image_url.url})`;
  }
  let text = part.text;
  if (text.startsWith(TRIM_OPEN) && text.endsWith(TRIM_CLOSE))
    text = text.slice(TRIM_OPEN.length, -TRIM_CLOSE.length);
  else if (text !== text.trim())
    problem(path, "leading or trailing whitespace: Prompty trims every message", false);
  if (text.split("\n").some((line) => ROLE_LINE.test(line)))
    problem(path, "a line that Prompty reads as a role line (like `user:`) inside the message", true);
  if (IMAGE.test(text))
    problem(path, "Markdown image syntax that Prompty would turn into an image part", true);
  let unsure = false;
  rewriteTagCode(text, (code) => {
    if (/\|\s*dump\b/.test(code))
      problem(path, "the dump filter (Jinja's tojson writes JSON differently)", true);
    return code;
  });
  const jinja = nunjucksToJinja(text, (expression) => {
    const map = isMap(expression);
    if (map === undefined) unsure = true;
    return map === true;
  });
  if (unsure)
    problem(
      path,
      "a two-name {% for %} loop over a value neither a schema nor the first test says is a map or a list",
      true,
    );
  return jinja.trim();
}

function containsReference(value: unknown): boolean {
  if (typeof value === "string") return /^\s*\$\{.*\}\s*$/.test(value);
  if (Array.isArray(value)) return value.some(containsReference);
  if (isRecord(value)) return Object.values(value).some(containsReference);
  return false;
}
