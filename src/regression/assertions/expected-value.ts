import { PromptOpsError } from "../../errors.js";
import { LIST_ASSERTION_TYPES } from "../../prompt/prompt-file.js";
import { renderTemplate } from "../../prompt/render.js";
import { analyseTemplate, TemplateSyntaxError } from "../../prompt/template-analysis.js";
import { truncate } from "../../text/truncate.js";

/**
 * Expected values are templates over the test's vars: `contains: "{{ customer.name }}"`. Only the
 * texts a person writes are rendered: not `javascript` (code, which reads `vars` itself) and not a
 * `json-schema` (whose patterns may hold braces). Regex patterns are rendered as written, so a
 * variable's value is inserted as pattern text, not escaped.
 */
export function renderExpected(
  type: string,
  value: unknown,
  vars: Record<string, unknown>,
): { value: unknown } | { error: string } {
  try {
    return { value: renderValue(type, value, vars) };
  } catch (error) {
    if (error instanceof ExpectedValueError) return { error: error.message };
    throw error;
  }
}

class ExpectedValueError extends Error {}

const STRING_TYPES = new Set([
  "equals",
  "contains",
  "icontains",
  "not-contains",
  "starts-with",
  "not-equals",
  "not-icontains",
  "not-starts-with",
]);
const LIST_TYPES = new Set<string>(LIST_ASSERTION_TYPES);
// The text field of the object forms: the provider-backed assertions', and `{ pattern, flags }`.
const TEXT_FIELDS: Record<string, string> = {
  "llm-judge": "rubric",
  similar: "to",
  levenshtein: "to",
  regex: "pattern",
  "not-regex": "pattern",
};

function renderValue(type: string, value: unknown, vars: Record<string, unknown>): unknown {
  if (type === "tool-call") return renderToolCall(value, vars);
  if (STRING_TYPES.has(type)) return typeof value === "string" ? render(value, vars) : value;
  if (LIST_TYPES.has(type))
    return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? render(v, vars) : v)) : value;
  const field = TEXT_FIELDS[type];
  if (field === undefined) return value;
  if (typeof value === "string") return render(value, vars);
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>)[field] === "string"
  ) {
    const record = value as Record<string, unknown>;
    return { ...record, [field]: render(record[field] as string, vars) };
  }
  return value;
}

/**
 * `tool-call`: its name and every text inside `args` (`{ order_id: "{{ orderId }}" }`); never an
 * `args-schema`, whose patterns may hold braces.
 */
function renderToolCall(value: unknown, vars: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => renderToolCall(item, vars));
  if (typeof value === "string") return render(value, vars);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  return {
    ...record,
    ...(typeof record.name === "string" ? { name: render(record.name, vars) } : {}),
    ...("args" in record ? { args: renderTexts(record.args, vars) } : {}),
  };
}

function renderTexts(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === "string") return render(value, vars);
  if (Array.isArray(value)) return value.map((item) => renderTexts(item, vars));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTexts(item, vars)]));
}

/**
 * Strict, like prompt rendering: every variable a template reads must have a value. Checked
 * before rendering because Nunjucks quietly renders `{{ missing | upper }}` as "" and, when it
 * does fail, does not name the variable.
 */
function render(source: string, vars: Record<string, unknown>): string {
  // The same test as `promptops validate`: text without tags is literal, so `\d{3}` stays as written.
  if (!source.includes("{{") && !source.includes("{%")) return source;
  const shown = JSON.stringify(truncate(source, 60));
  let names: string[];
  try {
    names = [...analyseTemplate(source).variables.keys()];
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    throw new ExpectedValueError(
      `cannot render expected value ${shown}: template syntax error: ${error.message}; if the braces are literal text, put {% raw %}…{% endraw %} around them`,
    );
  }
  const missing = names.filter((name) => !Object.hasOwn(vars, name) || vars[name] === undefined);
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(", ");
    const known = Object.keys(vars).join(", ") || "(none)";
    throw new ExpectedValueError(
      `cannot render expected value ${shown}: undefined variable${missing.length > 1 ? "s" : ""} ${list} (the test's vars: ${known})`,
    );
  }
  try {
    return renderTemplate(source, vars);
  } catch (error) {
    if (!(error instanceof PromptOpsError)) throw error;
    if (error.code === "template-unsafe")
      throw new ExpectedValueError(`cannot render expected value ${shown}: ${error.message}`);
    // e.g. `{{ customer.nmae }}`: the variable exists but the property does not.
    const detail = error.message.replace(/^cannot render template: /, "");
    throw new ExpectedValueError(
      `cannot render expected value ${shown}: it reads an undefined value (${detail})`,
    );
  }
}
