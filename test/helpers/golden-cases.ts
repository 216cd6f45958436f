import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * The keys a golden case may have. A case is refused when it has a key not listed (a misspelt
 * `expct:` would otherwise be ignored) or none of its `expectations` (it would check nothing).
 */
export interface CaseShape {
  required: readonly string[];
  optional?: readonly string[];
  /** At least one of these must be present; empty when the expectation is the test's own rule. */
  expectations: readonly string[];
  /** Shapes of nested maps, by key. */
  nested?: Readonly<Record<string, Omit<CaseShape, "expectations" | "nested">>>;
}

/** Throws, naming the case and the key, when `value` is not a case of `shape`. */
export function checkCase(value: unknown, shape: CaseShape, where: string): void {
  checkKeys(value, shape, where);
  const record = value as Record<string, unknown>;
  if (shape.expectations.length > 0 && !shape.expectations.some((key) => key in record)) {
    throw new Error(`${where}: the case states no expectation (one of: ${shape.expectations.join(", ")})`);
  }
  for (const [key, nestedShape] of Object.entries(shape.nested ?? {})) {
    if (key in record) checkKeys(record[key], nestedShape, `${where}: ${key}`);
  }
}

function checkKeys(
  value: unknown,
  shape: Omit<CaseShape, "expectations"> & Partial<CaseShape>,
  where: string,
): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${where}: expected a map of case keys`);
  }
  const known = [
    ...new Set([
      ...shape.required,
      ...(shape.optional ?? []),
      ...(shape.expectations ?? []),
      ...Object.keys(shape.nested ?? {}),
    ]),
  ];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new Error(`${where}: unknown key "${key}" (known keys: ${known.join(", ")})`);
    }
  }
  for (const key of shape.required) {
    if (!(key in value)) throw new Error(`${where}: missing key "${key}"`);
  }
}

/** One case per file: every `.yaml` of `dir`, checked, with its file name as `file`. */
export function loadCaseFiles<T>(dir: URL, shape: CaseShape): Array<T & { file: string }> {
  return yamlFiles(dir).map((file) => {
    const value = parse(readFileSync(new URL(file, dir), "utf8"));
    checkCase(value, shape, file);
    return { file, ...(value as T) };
  });
}

/** A list of cases per file (`file` a folder URL ending in `/`, or one `.yaml` file). */
export function loadCaseLists<T>(source: URL, shape: CaseShape): Array<T & { file: string }> {
  const files = source.pathname.endsWith("/")
    ? yamlFiles(source).map((file) => ({ file, url: new URL(file, source) }))
    : [{ file: source.pathname.split("/").at(-1)!, url: source }];
  return files.flatMap(({ file, url }) => {
    const list = parse(readFileSync(url, "utf8"));
    if (!Array.isArray(list)) throw new Error(`${file}: expected a list of cases`);
    return list.map((value, index) => {
      checkCase(value, shape, `${file}[${index}]`);
      return { file, ...(value as T) };
    });
  });
}

function yamlFiles(dir: URL): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".yaml"));
}

export const RENDER_CASE: CaseShape = {
  required: ["name", "files", "id"],
  optional: ["vars", "assignments"],
  expectations: ["expect", "expectAnthropic", "expectError"],
  nested: { expectError: { required: ["exitCode", "message"] } },
};

export const VALIDATE_CASE: CaseShape = {
  required: ["name", "files"],
  optional: ["hints"],
  expectations: ["expect"],
};

export const ASSERTION_CASE: CaseShape = {
  required: ["name", "assert", "output"],
  optional: ["vars", "context"],
  expectations: ["expect"],
  nested: { expect: { required: ["pass"], optional: ["score", "message"] } },
};

export const JUDGE_REPLY_CASE: CaseShape = {
  required: ["name", "reply"],
  expectations: ["expect", "problem"],
};

/** The expectation is the file's rule (renders as Nunjucks does). */
export const PARITY_FILE: CaseShape = { required: ["context", "templates"], expectations: [] };

/** The expectation is the test's rule (no payload leaves its marker file). */
export const INJECTION_FILE: CaseShape = { required: ["cases"], expectations: [] };
export const INJECTION_CASE: CaseShape = { required: ["name", "template"], expectations: [] };
