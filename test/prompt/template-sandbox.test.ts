import { describe, expect, it } from "vitest";
import { cachedTemplateCount, renderTemplate } from "../../src/prompt/render.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";

const failure = (template: string, context: Record<string, unknown>) =>
  expectPromptOpsError(() => renderTemplate(template, context));

describe("a template reads data and nothing else", () => {
  it("a key computed at render time reads only the value's own data", () => {
    for (const k of ["constructor", "__proto__", "toString", "hasOwnProperty", "length"]) {
      const error = failure("{{ obj[k] }}", { obj: { a: 1 }, k });
      expect(error.code).toBe("render-failed");
      expect(error.message).toContain("obj[…] is undefined");
    }
    expect(renderTemplate("{{ obj[k] }} {{ list[i] }}", { obj: { a: 1 }, k: "a", list: ["x"], i: 0 })).toBe(
      "1 x",
    );
  });

  it("a function the application passes is never a value, and a getter is never run", () => {
    let reads = 0;
    const customer = Object.defineProperty({ name: "Ann" }, "secret", {
      get: () => {
        reads++;
        return "s";
      },
      enumerable: true,
    });
    expect(failure("{{ customer.secret }}", { customer }).message).toContain("customer.secret is undefined");
    expect(failure("{{ f }}", { f: () => "called" }).message).toContain("f is undefined");
    expect(failure("{{ o.f }}", { o: { f: () => "called" } }).message).toContain("o.f is undefined");
    expect(reads).toBe(0);
  });

  it('a "__proto__" key in a dict literal is data, not a prototype', () => {
    expect(
      renderTemplate(
        '{% set k = "__proto__" %}{{ {"__proto__": {"a": 1} }[k]["a"] }} {{ {"__proto__": 2} | dump }}',
        {},
      ),
    ).toBe('1 {"__proto__":2}');
  });

  it("filters read attributes by name through the same own-data rule", () => {
    const people = [{ name: "b" }, { name: "a" }];
    // Nunjucks would join the constructor functions' source; here the attribute reads nothing.
    expect(renderTemplate("{{ people | join(',', 'constructor') }}", { people })).toBe(",");
    expect(renderTemplate("{{ people | sort(false, false, 'name') | join(',', 'name') }}", { people })).toBe(
      "a,b",
    );
    expect(
      failure("{{ people | sort(false, false, 'constructor.name') | length }}", { people }).message,
    ).toContain("resolved to undefined");
  });
});

describe("a template cannot exhaust memory or time", () => {
  it("range() is at most 10,000 numbers long", () => {
    expect(renderTemplate("{{ range(n) | length }}", { n: 10_000 })).toBe("10000");
    expect(failure("{{ range(n) | length }}", { n: 10_001 }).message).toContain("at most 10000 are allowed");
    expect(failure("{{ range(0, n, 0.000001) | length }}", { n: 1 }).message).toContain("at most 10000");
  });

  it("text doubled by {% set %} stops at the budget", () => {
    const template = `{% set s = "${"a".repeat(64)}" %}${"{% set s = s ~ s %}".repeat(30)}{{ s | length }}`;
    expect(failure(template, {}).message).toContain("produces more than 32 MiB of text");
  });

  it("nested loops stop at the iteration budget", () => {
    const template = "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}";
    expect(failure(template, {}).message).toContain("loops run more than 100000 times");
  });

  it("size arguments of filters are bounded", () => {
    for (const template of [
      "{{ s | center(n) }}",
      "{{ s | indent(n) }}",
      "{{ items | batch(n, 'x') }}",
      "{{ items | slice(n) }}",
    ])
      expect(failure(template, { s: "a", items: ["a"], n: 1e9 }).message).toContain(
        "the size must be a number up to",
      );
    expect(
      failure("{{ s | replace('', big) }}", { s: "a".repeat(10_000), big: "b".repeat(10_000) }).message,
    ).toContain("the result would be too long");
    expect(failure("{{ obj | reverse }}", { obj: { length: 1e9 } }).message).toContain(
      'filter "reverse" needs a list',
    );
  });
});

describe("compiled templates are kept within bounds", () => {
  it("the CLI's cache keeps at most 1,000 templates, however many it has rendered", () => {
    for (let i = 0; i < 1_500; i++) expect(renderTemplate(`{{ n }} #${i}`, { n: i })).toBe(`${i} #${i}`);
    expect(cachedTemplateCount()).toBe(1_000);
  });
});
