import nunjucksFilters from "nunjucks/src/filters.js";
import nunjucksTests from "nunjucks/src/tests.js";
import { MAX_PRODUCED_CHARS, MAX_RANGE, safeMember, TemplateRenderError } from "./template-values.js";

/**
 * The filters and tests a template may use. Nunjucks' own implementations serve where they are
 * pure functions of data (so output stays byte-identical); the ones that read attributes by name,
 * look tests up, or take a size are wrapped: attributes are read with safeMember (own data only)
 * and sizes are bounded, so that no argument reaches code or exhausts memory.
 */
type Filter = (...args: unknown[]) => unknown;

const n = nunjucksFilters;

/** A size argument (a width, a count): a number up to MAX_RANGE, or absent. */
function size(filter: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > MAX_RANGE)
    throw new TemplateRenderError(`filter "${filter}": the size must be a number up to ${MAX_RANGE}`);
  return value;
}

function list(filter: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new TemplateRenderError(`filter "${filter}" needs a list`);
}

function attribute(filter: string, name: unknown): string {
  if (typeof name === "string" || typeof name === "number") return String(name);
  throw new TemplateRenderError(`filter "${filter}": the attribute must be a name`);
}

/** `replace` with an empty or short `old` multiplies the text: check the result's size first. */
function replace(str: unknown, old: unknown, replacement: unknown, maxCount: unknown): unknown {
  if (typeof str === "string" && typeof old === "string" && typeof replacement === "string") {
    const matches = old === "" ? str.length + 1 : Math.floor(str.length / old.length);
    if (matches * replacement.length > MAX_PRODUCED_CHARS)
      throw new TemplateRenderError('filter "replace": the result would be too long');
  }
  if (old instanceof RegExp) throw new TemplateRenderError('filter "replace" takes text, not a pattern');
  return n.replace!(str, old, replacement, maxCount);
}

/** `indent` adds its width to every line: a text of many short lines grows by width × lines. */
function indentWidth(str: unknown, width: unknown): unknown {
  const checked = size("indent", width);
  if (typeof str === "string" && typeof checked === "number") {
    const lines = str.split("\n").length;
    if (lines * checked > MAX_PRODUCED_CHARS)
      throw new TemplateRenderError('filter "indent": the result would be too long');
  }
  return checked;
}

function sort(arr: unknown, reversed: unknown, caseSensitive: unknown, attr: unknown): unknown[] {
  const path = attr === undefined || attr === null || attr === "" ? [] : attribute("sort", attr).split(".");
  const key = (item: unknown) => path.reduce<unknown>((value, part) => safeMember(value, part), item);
  return [...list("sort", arr)].sort((a, b) => {
    let x = key(a);
    let y = key(b);
    if (path.length > 0 && (x === undefined || y === undefined))
      throw new TemplateRenderError(`filter "sort": attribute "${String(attr)}" resolved to undefined`);
    if (!caseSensitive && typeof x === "string" && typeof y === "string") {
      x = x.toLowerCase();
      y = y.toLowerCase();
    }
    if ((x as number) < (y as number)) return reversed ? 1 : -1;
    if ((x as number) > (y as number)) return reversed ? -1 : 1;
    return 0;
  });
}

function byAttribute(filter: string, arr: unknown, attr: unknown): unknown {
  if (!attr) return arr;
  const name = attribute(filter, attr);
  return list(filter, arr).map((item) => safeMember(item, name));
}

function selectOrReject(expected: boolean): Filter {
  return (arr, testName = "truthy", argument) => {
    const test =
      typeof testName === "string" && ALLOWED_TESTS.has(testName) ? nunjucksTests[testName] : undefined;
    if (!test) throw new TemplateRenderError(`test "${String(testName)}" is not allowed`);
    return list(expected ? "select" : "reject", arr).filter((item) => test(item, argument) === expected);
  };
}

const FILTERS: Record<string, Filter> = {
  abs: n.abs!,
  batch: (arr, count, fill) => n.batch!(list("batch", arr), size("batch", count), fill),
  capitalize: n.capitalize!,
  center: (str, width) => n.center!(str, size("center", width)),
  default: n.default!,
  d: n.default!,
  dictsort: n.dictsort!,
  dump: n.dump!,
  escape: n.escape!,
  e: n.escape!,
  first: n.first!,
  float: n.float!,
  forceescape: n.forceescape!,
  indent: (str, width, first) => n.indent!(str, indentWidth(str, width), first),
  int: n.int!,
  join: (arr, separator, attr) => n.join!(byAttribute("join", arr, attr), separator),
  last: n.last!,
  length: n.length!,
  list: n.list!,
  lower: n.lower!,
  nl2br: n.nl2br!,
  reject: selectOrReject(false),
  rejectattr: (arr, attr) =>
    list("rejectattr", arr).filter((item) => !safeMember(item, attribute("rejectattr", attr))),
  replace,
  // Nunjucks copies any value with a `length` item by item: only texts and lists are reversed here.
  reverse: (value) => n.reverse!(typeof value === "string" ? value : list("reverse", value)),
  round: n.round!,
  safe: n.safe!,
  select: selectOrReject(true),
  selectattr: (arr, attr) =>
    list("selectattr", arr).filter((item) => !!safeMember(item, attribute("selectattr", attr))),
  slice: (arr, slices, fill) => n.slice!(list("slice", arr), size("slice", slices), fill),
  sort,
  string: n.string!,
  striptags: n.striptags!,
  sum: (arr, attr, start) => n.sum!(byAttribute("sum", arr, attr), undefined, start),
  title: n.title!,
  trim: n.trim!,
  truncate: n.truncate!,
  upper: n.upper!,
  urlencode: n.urlencode!,
  wordcount: n.wordcount!,
};

export const ALLOWED_FILTERS: ReadonlySet<string> = new Set(Object.keys(FILTERS));

export function filterNamed(name: string): Filter | undefined {
  return Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
}

/** Nunjucks' tests, all pure predicates over data; `callable` is left out (nothing is callable). */
export const ALLOWED_TESTS: ReadonlySet<string> = new Set([
  "defined",
  "divisibleby",
  "escaped",
  "equalto",
  "eq",
  "sameas",
  "even",
  "falsy",
  "ge",
  "greaterthan",
  "gt",
  "iterable",
  "le",
  "lessthan",
  "lt",
  "lower",
  "mapping",
  "ne",
  "null",
  "number",
  "odd",
  "string",
  "truthy",
  "undefined",
  "upper",
]);

export function testNamed(name: string): Filter | undefined {
  return ALLOWED_TESTS.has(name) ? nunjucksTests[name] : undefined;
}
