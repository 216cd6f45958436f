import { LIST_ASSERTION_TYPES } from "../../prompt/prompt-file.js";
import type { PathSegment } from "../../yaml/yaml-source.js";
import { isRecord, type NotCarriedList } from "./not-carried.js";

type Assertion = Record<string, unknown>;

/** promptfoo types whose value carries over unchanged under the same promptops name. */
const SAME_TEXT = new Set([
  "equals",
  "contains",
  "icontains",
  "starts-with",
  "regex",
  "not-equals",
  "not-contains",
  "not-icontains",
  "not-starts-with",
  "not-regex",
]);
const SAME_LIST = new Set<string>(LIST_ASSERTION_TYPES);

/**
 * One promptfoo assertion as the promptops assertion of the same meaning, or undefined (with a
 * note at its location) when promptops has none: a changed meaning is worse than a listed gap.
 */
export function convertAssertion(
  raw: unknown,
  path: PathSegment[],
  notes: NotCarriedList,
): Assertion | undefined {
  if (!isRecord(raw) || typeof raw.type !== "string") {
    notes.add(path, "not carried over: an assertion without a `type`");
    return undefined;
  }
  const type = raw.type;
  if (raw.transform !== undefined) {
    notes.add(
      [...path, "transform"],
      `not carried over: assertion "${type}" with a transform (promptops has no transforms)`,
      "key",
    );
    return undefined;
  }
  if (raw.metric !== undefined)
    notes.add(
      [...path, "metric"],
      "not carried over: the metric name (promptops has no named metrics)",
      "key",
    );
  const converted = convertType(type, raw, path, notes);
  if (converted && typeof raw.weight === "number") converted.weight = raw.weight;
  return converted;
}

function convertType(
  type: string,
  raw: Record<string, unknown>,
  path: PathSegment[],
  notes: NotCarriedList,
): Assertion | undefined {
  const { value, threshold } = raw;
  const valuePath = [...path, "value"];
  const unsupported = (why: string) => {
    notes.add([...path, "type"], `not carried over: assertion "${type}": ${why}`);
    return undefined;
  };
  if (SAME_TEXT.has(type)) {
    if (typeof value !== "string")
      return unsupported("promptops compares text only; the value is not a string");
    return { [type]: value };
  }
  if (SAME_LIST.has(type)) {
    const list = typeof value === "string" ? value.split(",").map((part) => part.trim()) : value;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((item) => typeof item === "string" && item !== "")
    )
      return unsupported("the value is not a list of texts");
    return { [type]: list };
  }
  switch (type) {
    case "is-json":
      return value === undefined ? { "is-json": true } : { "json-schema": value };
    case "not-is-json":
      return { "is-json": false };
    case "contains-json":
      return { "contains-json": value === undefined ? true : value };
    case "not-contains-json":
      return { "contains-json": false };
    case "is-refusal":
      return { "is-refusal": true };
    case "not-is-refusal":
      return { "not-refusal": true };
    case "finish-reason":
      return typeof value === "string"
        ? { "finish-reason": value }
        : unsupported("the value is not a string");
    case "latency":
      return typeof threshold === "number"
        ? { "max-latency-ms": Math.ceil(threshold) }
        : unsupported("no threshold");
    case "cost":
      return typeof threshold === "number" ? { "max-cost-usd": threshold } : unsupported("no threshold");
    case "levenshtein":
      if (typeof value !== "string") return unsupported("the value is not a string");
      return typeof threshold === "number"
        ? { levenshtein: { to: value, "max-distance": threshold } }
        : { levenshtein: value };
    case "similar":
      if (typeof value !== "string")
        return unsupported("promptops compares with one text; the value is not a string");
      // promptfoo's default threshold for similar is 0.75; promptops' default differs, so say it.
      return { similar: { to: value, threshold: typeof threshold === "number" ? threshold : 0.75 } };
    case "llm-rubric":
      if (typeof value !== "string" || value === "") return unsupported("the rubric is not a text");
      return {
        "llm-judge": {
          rubric: value,
          ...(typeof threshold === "number" ? { threshold } : {}),
          ...(typeof raw.provider === "string" ? { provider: raw.provider } : {}),
        },
      };
    case "javascript":
      if (typeof value !== "string" || value.startsWith("file://"))
        return unsupported("only inline code is carried over, not a file");
      // Carried as text, never run here: it runs under `promptops test` only when the config says
      // `test.allowJavascript: true`, and promptfoo's `output`/`context` names may differ.
      notes.add(
        valuePath,
        "javascript assertion carried over as text: it runs only with `test: { allowJavascript: true }` in promptops.config.yaml; review it first",
        "value",
        "review",
      );
      return typeof threshold === "number"
        ? { javascript: { code: value, threshold } }
        : { javascript: value };
    default:
      return unsupported("promptops has no equivalent");
  }
}
