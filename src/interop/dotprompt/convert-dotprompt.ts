import type { AST } from "@handlebars/parser";
import { PromptOpsError } from "../../errors.js";
import { parseYamlSource } from "../../yaml/yaml-source.js";
import type { NotCarried } from "../promptfoo/not-carried.js";
import { isRecord } from "../promptfoo/not-carried.js";
import { convertModel, type ModelNote, responseFormat } from "./dotprompt-model.js";
import { splitDotprompt } from "./front-matter.js";
import {
  type NunjucksContext,
  type TemplateNote,
  TemplateRefused,
  type VariableUse,
} from "./handlebars-to-nunjucks.js";
import { type JsonSchema, PicoschemaProblem, picoschemaToJsonSchema } from "./picoschema.js";
import { templateToMessages } from "./template-messages.js";

export type HandlebarsParse = (input: string) => AST.Program;

export interface ConvertedPrompt {
  /** The promptops prompt file's content, in file order. */
  prompt: Record<string, unknown>;
  notes: NotCarried[];
}

const CARRIED = new Set(["model", "config", "input", "output", "description", "name"]);
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HISTORY = "history";

/**
 * One .prompt file to a promptops prompt: pure (the caller reads and writes), so that export can
 * check its own output by importing it again. `file` is the name every location carries.
 */
export function convertDotprompt(
  file: string,
  text: string,
  id: string,
  parse: HandlebarsParse,
): ConvertedPrompt {
  const split = splitDotprompt(text);
  const notes: NotCarried[] = [];
  const meta = frontMatter(file, split.frontMatter, split.frontMatterLine);
  const note = (path: (string | number)[], message: string, kind: NotCarried["kind"] = "dropped") => {
    const at = meta.locate(path);
    notes.push({ location: { file, line: at.line, col: at.col }, kind, message });
  };
  const templateAt = (at: AST.Position) => ({
    file,
    line: split.templateStart.line + at.line - 1,
    col: (at.line === 1 ? split.templateStart.column : 0) + at.column + 1,
  });

  const fm = meta.value;
  for (const key of Object.keys(fm))
    if (key === "tools")
      note(
        [key],
        "not carried over: tools (dotprompt names tools the application defines; add their definitions under tools:)",
      );
    else if (!CARRIED.has(key)) note([key], `not carried over: "${key}" (no promptops equivalent)`);
  if (fm.name !== undefined && fm.name !== id)
    note(
      ["name"],
      `review: the prompt is named "${String(fm.name)}" in the file; its id here is "${id}", from the file name`,
      "review",
    );
  const modelNotes: ModelNote[] = [];
  const model = convertModel(fm.model, fm.config, modelNotes);
  for (const n of modelNotes) note(n.path, n.message);

  const declared = inputVariables(fm.input, note);
  let program: AST.Program;
  const deep = tooDeep(split.template);
  if (deep)
    throw new PromptOpsError("import-source-invalid", `blocks nested deeper than ${MAX_BLOCK_DEPTH} levels`, {
      hint: "no prompt nests its {{#if}} and {{#each}} that deep; check the file",
      location: templateAt(deep),
    });
  try {
    program = parse(split.template);
  } catch (error) {
    const m = /line (\d+)/.exec(String((error as Error).message));
    throw new PromptOpsError(
      "import-source-invalid",
      `the Handlebars template does not parse: ${firstLine(error)}`,
      {
        hint: "dotprompt itself cannot render this template; fix it first",
        location: m ? templateAt({ line: Number(m[1]), column: 0 }) : { file },
      },
    );
  }
  // First pass: how the template uses each name (an undeclared list is tested by length, as declared ones are).
  const uses = new Map<string, VariableUse>();
  const schemaOf = (known: Record<string, JsonSchema>) => (name: string) =>
    Object.hasOwn(known, name) ? known[name] : undefined;
  const convert = (schemas: Record<string, JsonSchema>, templateNotes: TemplateNote[]) => {
    const ctx: NunjucksContext = { schemaOf: schemaOf(schemas), notes: templateNotes, uses };
    try {
      return templateToMessages(program, ctx, HISTORY);
    } catch (error) {
      if (!(error instanceof TemplateRefused)) throw error;
      throw new PromptOpsError("import-source-invalid", `not carried over: ${error.message}`, {
        hint: "promptops messages have fixed roles: put {{role}} and {{history}} outside {{#if}} and {{#each}}",
        location: templateAt(error.at),
      });
    }
  };
  convert(declared.schemas, []);
  const schemas = { ...declared.schemas };
  const inferred: string[] = [];
  for (const [name, use] of uses) {
    if (Object.hasOwn(schemas, name) || name === HISTORY) continue;
    schemas[name] =
      use === "list" ? { type: "array" } : use === "map" ? { type: "object" } : { type: "string" };
    inferred.push(name);
  }
  const templateNotes: TemplateNote[] = [];
  const messages = convert(schemas, templateNotes);
  for (const n of templateNotes) notes.push({ location: templateAt(n.at), kind: n.kind, message: n.message });
  if (inferred.length > 0)
    note(
      fm.input === undefined ? [] : ["input"],
      `review: ${inferred.map((n) => `"${n}"`).join(", ")} ${inferred.length === 1 ? "is" : "are"} not in input.schema: declared from the template (${inferred.map((n) => `${n}: ${String(schemas[n]!.type)}`).join(", ")})`,
      "review",
    );
  if (messages.some((m) => "placeholder" in m)) schemas[HISTORY] = { type: "messages", default: [] };
  if (messages.length === 0)
    throw new PromptOpsError("import-source-invalid", "the template has no message to carry over", {
      hint: "a .prompt file's body is its messages",
      location: templateAt({ line: 1, column: 0 }),
    });

  const prompt: Record<string, unknown> = {};
  if (typeof fm.description === "string") prompt.description = fm.description;
  if (model) prompt.model = model;
  if (Object.keys(schemas).length > 0) prompt.variables = schemas;
  prompt.messages = messages;
  const output = outputFormat(fm.output, id, note);
  if (output) prompt.response_format = output;
  return {
    prompt,
    notes: notes.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col),
  };
}

// The Handlebars parser slows down sharply with nesting (seconds at a few thousand levels) and then
// overflows the stack: the depth is counted first, in one pass over the text.
const MAX_BLOCK_DEPTH = 100;

function tooDeep(template: string): AST.Position | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (const match of template.matchAll(/\n|\{\{~?\s*([#^/])/g)) {
    if (match[0] === "\n") {
      line++;
      lineStart = match.index + 1;
    } else if (match[1] === "/") depth = Math.max(0, depth - 1);
    else if (++depth > MAX_BLOCK_DEPTH) return { line, column: match.index - lineStart };
  }
  return undefined;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0]!;
}

function frontMatter(file: string, text: string | undefined, line: number) {
  if (text === undefined)
    return { value: {} as Record<string, unknown>, locate: () => ({ line: 1, col: 1 }) };
  const source = parseYamlSource(file, text);
  const error = source.diagnostics.find((d) => d.severity === "error");
  if (error || (source.value !== null && source.value !== undefined && !isRecord(source.value)))
    // dotprompt logs a bad front matter and renders the whole file as the template; that is never what was meant.
    throw new PromptOpsError(
      "import-source-invalid",
      error ? error.message : "the front matter is not a YAML map",
      {
        hint: "fix the front matter between the --- lines",
        location: { file, line: (error?.line ?? 1) + line - 1, col: error?.col ?? 1 },
      },
    );
  const value = (source.value ?? {}) as Record<string, unknown>;
  return {
    value,
    locate: (path: (string | number)[]) => {
      const at = path.length === 0 ? { line: 1, col: 1 } : source.locate(path, "key");
      return { line: at.line + line - 1, col: at.col };
    },
  };
}

type Note = (path: (string | number)[], message: string, kind?: NotCarried["kind"]) => void;

/**
 * input.schema's properties are the variables. An optional one (`name?`) may be left out: dotprompt
 * then renders it empty, so it gets a default that renders and tests the same ("" or []), or null.
 */
function inputVariables(input: unknown, note: Note): { schemas: Record<string, JsonSchema> } {
  const schemas: Record<string, JsonSchema> = {};
  if (input === undefined || input === null) return { schemas };
  if (!isRecord(input)) {
    note(["input"], "not carried over: input that is not a map");
    return { schemas };
  }
  for (const key of Object.keys(input))
    if (key !== "schema" && key !== "default") note(["input", key], `not carried over: input.${key}`);
  let schema: JsonSchema | null;
  try {
    schema = picoschemaToJsonSchema(input.schema);
  } catch (error) {
    if (!(error instanceof PicoschemaProblem)) throw error;
    note(["input", "schema", ...error.path], `not carried over: input.schema: ${error.message}`);
    return { schemas };
  }
  const defaults = isRecord(input.default) ? input.default : {};
  if (input.default !== undefined && !isRecord(input.default))
    note(["input", "default"], "not carried over: input.default that is not a map");
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  if (schema && !hasObjectShape(schema))
    note(["input", "schema"], "not carried over: an input schema that is not an object's");
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  for (const [name, property] of Object.entries(properties)) {
    if (!VARIABLE_NAME.test(name)) {
      note(
        ["input", "schema"],
        `not carried over: the input "${name}" (not a variable name promptops accepts)`,
      );
      continue;
    }
    const variable = { ...property };
    if (Object.hasOwn(defaults, name)) variable.default = defaults[name];
    else if (!required.has(name)) variable.default = emptyValue(variable);
    schemas[name] = variable;
  }
  for (const name of Object.keys(defaults))
    if (!Object.hasOwn(properties, name))
      note(
        ["input", "default", name],
        `not carried over: a default for "${name}", which input.schema does not declare`,
      );
  return { schemas };
}

function hasObjectShape(schema: JsonSchema): boolean {
  return schema.type === "object" || isRecord(schema.properties);
}

function emptyValue(schema: JsonSchema): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("string")) return "";
  if (types.includes("array")) return [];
  if (typeof schema.type === "string") schema.type = [schema.type, "null"];
  return null;
}

function outputFormat(output: unknown, id: string, note: Note): Record<string, unknown> | undefined {
  if (output === undefined || output === null) return undefined;
  if (!isRecord(output)) {
    note(["output"], "not carried over: output that is not a map");
    return undefined;
  }
  for (const key of Object.keys(output))
    if (key !== "format" && key !== "schema") note(["output", key], `not carried over: output.${key}`);
  const format = output.format ?? (output.schema ? "json" : "text");
  if (format === "text") return undefined;
  if (format !== "json") {
    note(
      ["output", "format"],
      `not carried over: output format "${String(format)}" (promptops has JSON output)`,
    );
    return undefined;
  }
  try {
    const schema = picoschemaToJsonSchema(output.schema);
    return schema ? responseFormat(id, schema) : { type: "json_object" };
  } catch (error) {
    if (!(error instanceof PicoschemaProblem)) throw error;
    note(["output", "schema", ...error.path], `not carried over: output.schema: ${error.message}`);
    return undefined;
  }
}
