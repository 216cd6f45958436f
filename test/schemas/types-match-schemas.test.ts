import { describe, expect, it } from "vitest";
import { configFileKeys, configTestKeys } from "../../src/config/config.js";
import { ASSERTION_OPTION_KEYS } from "../../src/prompt/assertion-parts.js";
import {
  ASSERTION_TYPES,
  datasetEntryKeys,
  datasetRowKeys,
  modelSpecKeys,
  promptFileKeys,
  promptTestKeys,
} from "../../src/prompt/prompt-file.js";
import { readSchema } from "../../src/schemas/ajv.js";

type Schema = { properties?: Record<string, unknown>; $defs?: Record<string, Schema> };

const keys = (schema: Schema | undefined) => Object.keys(schema?.properties ?? {}).sort();

describe("the TypeScript types and the JSON Schemas describe the same files", () => {
  const prompt = readSchema("prompt") as Schema;
  const config = readSchema("config") as Schema;

  it("prompt file keys", () => expect(Object.keys(promptFileKeys).sort()).toEqual(keys(prompt)));
  it("test case keys", () => expect(Object.keys(promptTestKeys).sort()).toEqual(keys(prompt.$defs?.test)));
  it("dataset entry keys", () =>
    expect(Object.keys(datasetEntryKeys).sort()).toEqual(keys(prompt.$defs?.dataset)));
  it("dataset row keys", () =>
    expect(Object.keys(datasetRowKeys).sort()).toEqual(keys(prompt.$defs?.datasetRow)));
  it("model keys", () => expect(Object.keys(modelSpecKeys).sort()).toEqual(keys(prompt.$defs?.model)));
  it("assertion types, and the weight beside them", () =>
    expect([...ASSERTION_TYPES, ...ASSERTION_OPTION_KEYS].sort()).toEqual(keys(prompt.$defs?.assertion)));
  it("config keys", () => expect(Object.keys(configFileKeys).sort()).toEqual(keys(config)));
  it("config test: keys", () =>
    expect(Object.keys(configTestKeys).sort()).toEqual(keys(config.properties?.test as Schema)));
});
