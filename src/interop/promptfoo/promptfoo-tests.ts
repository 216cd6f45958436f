import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord, type NotCarriedList } from "./not-carried.js";
import { convertAssertion } from "./promptfoo-assertions.js";

export interface ImportedTest {
  /** Where the test is in the promptfoo config. */
  path: PathSegment[];
  name: string;
  vars: Record<string, unknown>;
  assert: Array<Record<string, unknown>>;
  threshold?: number;
}

const TEST_KEYS = new Set(["description", "vars", "assert", "threshold"]);

/**
 * promptfoo's `tests` with `defaultTest` folded into each (its vars under the test's own, its
 * assertions after the test's own), as promptfoo runs them.
 */
export function convertTests(config: Record<string, unknown>, notes: NotCarriedList): ImportedTest[] {
  const defaults = isRecord(config.defaultTest) ? config.defaultTest : {};
  const defaultVars = isRecord(defaults.vars) ? defaults.vars : {};
  noteExtraKeys(defaults, ["defaultTest"], notes);
  const defaultAssert = assertionsOf(defaults.assert, ["defaultTest", "assert"], notes);
  if (config.tests === undefined) return [];
  if (!Array.isArray(config.tests)) {
    notes.add(
      ["tests"],
      "not carried over: tests from a file or generator (promptops reads JSONL/CSV datasets under a prompt's `tests:`)",
    );
    return [];
  }
  const names = new Set<string>();
  const tests: ImportedTest[] = [];
  config.tests.forEach((test, i) => {
    const path: PathSegment[] = ["tests", i];
    if (!isRecord(test)) {
      notes.add(path, "not carried over: a test that is not a map (a file reference?)");
      return;
    }
    noteExtraKeys(test, path, notes);
    const vars = { ...defaultVars, ...(isRecord(test.vars) ? test.vars : {}) };
    for (const [name, value] of Object.entries(vars)) {
      if (Array.isArray(value))
        notes.add(
          [...path, "vars", name],
          `not carried over: promptfoo runs one case per value of the list "${name}"; here it is one case with the whole list`,
        );
      if (typeof value === "string" && value.startsWith("file://"))
        notes.add(
          [...path, "vars", name],
          `variable "${name}" is a file reference, carried over as its text "${value}", not the file's content`,
          "value",
          "review",
        );
    }
    let name =
      typeof test.description === "string" && test.description.trim()
        ? test.description.trim()
        : `test ${i + 1}`;
    for (let n = 2; names.has(name); n++) name = `${name} (${n})`;
    names.add(name);
    const imported: ImportedTest = {
      path,
      name,
      vars,
      assert: [...assertionsOf(test.assert, [...path, "assert"], notes), ...defaultAssert],
    };
    if (typeof test.threshold === "number") imported.threshold = test.threshold;
    tests.push(imported);
  });
  return tests;
}

function assertionsOf(value: unknown, path: PathSegment[], notes: NotCarriedList) {
  if (!Array.isArray(value)) return [];
  const out: Array<Record<string, unknown>> = [];
  value.forEach((raw, i) => {
    const converted = convertAssertion(raw, [...path, i], notes);
    if (converted) out.push(converted);
  });
  return out;
}

function noteExtraKeys(test: Record<string, unknown>, path: PathSegment[], notes: NotCarriedList) {
  for (const key of Object.keys(test)) {
    if (!TEST_KEYS.has(key)) notes.add([...path, key], `not carried over: test setting "${key}"`, "key");
  }
}
