import { describe, expect, it } from "vitest";
import { lockedPromptKeys, lockfileEntryKeys, lockfileKeys } from "../../src/lockfile/lockfile.js";
import { readSchema } from "../../src/schemas/ajv.js";

type Schema = { properties?: Record<string, unknown>; $defs?: Record<string, Schema> };

const keys = (schema: Schema | undefined) => Object.keys(schema?.properties ?? {}).sort();

describe("schemas/lockfile.schema.json and the TypeScript types describe the same file", () => {
  const lockfile = readSchema("lockfile") as Schema;
  const prompt = readSchema("prompt") as Schema;

  it("top-level keys", () => expect(Object.keys(lockfileKeys).sort()).toEqual(keys(lockfile)));
  it("environment entry keys", () =>
    expect(Object.keys(lockfileEntryKeys).sort()).toEqual(keys(lockfile.$defs?.entry)));
  it("stored prompt keys", () =>
    expect(Object.keys(lockedPromptKeys).sort()).toEqual(keys(lockfile.$defs?.lockedPrompt)));

  it("stored content is described exactly as prompt files describe it (one schema, copied defs kept identical)", () => {
    for (const name of [
      "variableName",
      "model",
      "variableSchema",
      "message",
      "content",
      "contentPart",
      "responseFormat",
      "tool",
    ]) {
      expect(lockfile.$defs?.[name], name).toEqual(prompt.$defs?.[name]);
    }
    for (const name of ["messages", "model", "variables", "response_format", "tools"]) {
      expect(lockfile.$defs?.lockedPrompt?.properties?.[name], name).toEqual(prompt.properties?.[name]);
    }
  });
});
