import { extname, resolve } from "node:path";
import { isInside, readProjectFile, UnreadableFileError } from "../../fs/project-file.js";
import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord } from "../promptfoo/not-carried.js";
import type { ImportedBody } from "./prompty-body.js";
import type { PromptyNotes } from "./prompty-notes.js";

export interface ImportedInputs {
  variables: Record<string, Record<string, unknown>>;
  /** The sample's values of the variables, for one test; undefined without a sample. */
  sample: Record<string, unknown> | undefined;
}

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

interface Input {
  name: string;
  path: PathSegment[];
  schema: Record<string, unknown>;
  /** A value given with the input itself (`sample:`, or the shorthand `name: value`). */
  sample?: unknown;
}

/**
 * Prompty's `inputs` become variables (JSON Schema each) and its `sample` the values of one test.
 * Prompty renders whatever the template reads, declared or not, and an input nobody passes as
 * empty; promptops declares every variable the template reads and refuses a missing value, so
 * the import declares the ones the template uses, typed by the sample, and says what it filled in.
 */
export function convertInputs(
  attributes: Record<string, unknown>,
  body: ImportedBody,
  folder: string,
  notes: PromptyNotes,
): ImportedInputs {
  const declared = declaredInputs(attributes.inputs, notes);
  const sampleValues = readSample(attributes.sample, folder, notes);
  const used = new Set(body.variables);
  const variables: Record<string, Record<string, unknown>> = {};
  for (const input of declared) {
    if (!used.has(input.name)) {
      notes.add(input.path, `not carried over: input "${input.name}" (the template does not use it)`, "key");
      continue;
    }
    variables[input.name] = body.placeholders.includes(input.name)
      ? history(input.schema.description, sampleValues?.[input.name] ?? input.sample)
      : input.schema;
  }
  for (const name of used) {
    if (variables[name]) continue;
    variables[name] = body.placeholders.includes(name)
      ? history(undefined, sampleValues?.[name])
      : typeOf(sampleValues?.[name]);
  }
  if (sampleValues === undefined && declared.every((i) => i.sample === undefined))
    return { variables, sample: undefined };
  const sample: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variables)) {
    const given =
      sampleValues && name in sampleValues
        ? sampleValues[name]
        : declared.find((i) => i.name === name)?.sample;
    if (given !== undefined) sample[name] = given;
    else if (!("default" in schema)) {
      const empty =
        schema.type === "array" || schema.type === "messages" ? [] : schema.type === "object" ? {} : "";
      sample[name] = empty;
      notes.add(
        ["sample"],
        `the sample gives no "${name}": Prompty renders it empty, so the test gives ${JSON.stringify(empty)}`,
        "key",
        "review",
      );
    }
  }
  for (const name of Object.keys(sampleValues ?? {}))
    if (!(name in variables))
      notes.add(
        typeof attributes.sample === "string" ? ["sample"] : ["sample", name],
        `not carried over: sample value "${name}" (the template does not use it)`,
        "key",
      );
  return { variables, sample };
}

/**
 * A chat-history variable. Prompty's history loop takes any role; promptops allows user and
 * assistant turns unless the variable names more, so a sample with system turns names them all.
 */
function history(description: unknown, sample: unknown): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: "messages" };
  if (typeof description === "string") schema.description = description;
  const roles = new Set(Array.isArray(sample) ? sample.map((m) => (isRecord(m) ? m.role : undefined)) : []);
  if (roles.has("system")) schema.roles = ["system", "user", "assistant"];
  return schema;
}

function declaredInputs(value: unknown, notes: PromptyNotes): Input[] {
  if (value === undefined) return [];
  const entries: Array<[string, unknown, PathSegment[]]> = Array.isArray(value)
    ? value.map((item, i) => [
        isRecord(item) && typeof item.name === "string" ? item.name : "",
        item,
        ["inputs", i],
      ])
    : isRecord(value)
      ? Object.entries(value).map(([name, item]) => [name, item, ["inputs", name]])
      : [];
  if (entries.length === 0 && !(isRecord(value) || Array.isArray(value)))
    notes.add(["inputs"], "not carried over: `inputs` is neither a map nor a list");
  const inputs: Input[] = [];
  for (const [name, item, path] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      notes.add(path, `not carried over: an input named "${name}" (not a template variable name)`, "key");
      continue;
    }
    if (!isRecord(item)) {
      inputs.push({ name, path, schema: typeOf(item), sample: noSecret(item, path, notes) });
      continue;
    }
    const schema: Record<string, unknown> = {};
    if (typeof item.type === "string" && TYPES.has(item.type)) schema.type = item.type;
    else if (item.type !== undefined)
      notes.add([...path, "type"], `not carried over: input type "${String(item.type)}"`);
    if (typeof item.description === "string") schema.description = item.description;
    const fallback = noSecret(item.default, [...path, "default"], notes);
    if (fallback !== undefined && fallback !== null) schema.default = fallback;
    for (const key of Object.keys(item))
      if (!["name", "type", "description", "default", "sample"].includes(key))
        notes.add([...path, key], `not carried over: input setting "${key}"`, "key");
    const input: Input = {
      name,
      path,
      schema: { ...(schema.type ? {} : typeOf(item.sample ?? fallback)), ...schema },
    };
    const sample = noSecret(item.sample, [...path, "sample"], notes);
    if (sample !== undefined) input.sample = sample;
    inputs.push(input);
  }
  return inputs;
}

/** Prompty's sample: a map, or a JSON file beside the .prompty (`sample.json` or `${file:sample.json}`). */
function readSample(
  value: unknown,
  folder: string,
  notes: PromptyNotes,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (isRecord(value)) {
    const clean: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = noSecret(item, ["sample", name], notes);
      if (kept !== undefined) clean[name] = kept;
    }
    return clean;
  }
  if (typeof value !== "string") {
    notes.add(["sample"], "not carried over: `sample` is neither a map nor a file name");
    return undefined;
  }
  const name = /^\$\{file:(.+)\}$/.exec(value.trim())?.[1] ?? value.trim();
  const file = resolve(folder, name);
  if (extname(name).toLowerCase() !== ".json" || !isInside(file, folder)) {
    notes.add(["sample"], "not read: a sample that is not a JSON file beside the .prompty file");
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readProjectFile(file, folder, "the .prompty file's folder"));
  } catch (error) {
    if (error instanceof UnreadableFileError)
      notes.add(["sample"], `not read: the sample file ${error.message}`);
    else if (error instanceof SyntaxError)
      notes.add(["sample"], "not carried over: the sample file is not valid JSON");
    else throw error;
    return undefined;
  }
  if (!isRecord(parsed)) {
    notes.add(["sample"], "not carried over: the sample file is not a JSON object");
    return undefined;
  }
  return parsed;
}

/** A `${env:…}` reference is resolved by Prompty at run time: its value is a secret or a setting, never copied. */
function noSecret(value: unknown, path: PathSegment[], notes: PromptyNotes): unknown {
  if (typeof value === "string" && /^\s*\$\{(env|file):/.test(value)) {
    notes.add(path, "not carried over: an environment or file reference (its value is never copied)");
    return undefined;
  }
  return value;
}

function typeOf(value: unknown): Record<string, unknown> {
  // null says nothing of the type: any value is accepted, as Prompty accepts it.
  if (value === null) return {};
  if (Array.isArray(value)) return { type: "array" };
  if (isRecord(value)) return { type: "object" };
  if (typeof value === "number" || typeof value === "boolean") return { type: typeof value };
  return { type: "string" };
}
