import { readFileSync } from "node:fs";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderTemplate } from "../../src/prompt/render.js";
import { checkCase, PARITY_FILE } from "../helpers/golden-cases.js";

/**
 * Our evaluator replaced Nunjucks' compiler; prompts must not notice. Every template of the fixture
 * renders to the same bytes as Nunjucks itself, configured as promptops configured it, and fails
 * where Nunjucks fails.
 */
const parity = parse(
  readFileSync(new URL("../fixtures/nunjucks-parity/templates.yaml", import.meta.url), "utf8"),
);
checkCase(parity, PARITY_FILE, "nunjucks-parity/templates.yaml");
const { context, templates } = parity as { context: Record<string, unknown>; templates: string[] };
const reference = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

function outcome(render: () => string): { output: string } | { fails: true } {
  try {
    return { output: render() };
  } catch {
    return { fails: true };
  }
}

describe("rendering matches Nunjucks", () => {
  it.each(templates)("%j", (template) => {
    const expected = outcome(() => reference.renderString(template, structuredClone(context)));
    expect(outcome(() => renderTemplate(template, structuredClone(context)))).toEqual(expected);
  });
});
