import { DOMParser, type Element } from "@xmldom/xmldom";

// The rules of the two schemas strict JUnit consumers validate against, as far as a promptops
// report touches them, checked on the DOM of a real XML parser (@xmldom/xmldom). No npm package
// ships these XSDs, so the rules are encoded here, each from:
// - Jenkins: the xUnit plugin's junit-10.xsd (github.com/jenkinsci/xunit-plugin,
//   src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd);
// - Surefire: surefire-test-report-3.0.xsd (github.com/apache/maven-surefire,
//   maven-surefire-plugin/src/site/resources/xsd/surefire-test-report-3.0.xsd). Its root is one
//   <testsuite> (a file per suite), so each <testsuite> of our <testsuites> is checked against it.

export type JunitSchema = "jenkins" | "surefire";

interface ElementRule {
  required: string[];
  optional: string[];
  /** Allowed child elements; for Surefire, in this order. */
  children: string[];
  /** Children that may appear at most once (Surefire's maxOccurs="1"). */
  once?: string[];
  text?: boolean;
}

const JENKINS_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?$/;
const OUTCOMES = ["skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError"];

const JENKINS: Record<string, ElementRule> = {
  testsuites: {
    required: [],
    optional: ["name", "time", "tests", "failures", "errors"],
    children: ["testsuite"],
  },
  testsuite: {
    required: ["name", "tests", "failures", "errors"],
    optional: ["group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"],
    children: ["testsuite", "properties", "testcase", "system-out", "system-err"],
  },
  properties: { required: [], optional: [], children: ["property"] },
  property: { required: ["name", "value"], optional: [], children: [] },
  testcase: {
    required: ["name"],
    optional: ["time", "classname", "group"],
    children: [...OUTCOMES, "system-out", "system-err"],
  },
  failure: { required: [], optional: ["type", "message"], children: [], text: true },
  error: { required: [], optional: ["type", "message"], children: [], text: true },
  skipped: { required: [], optional: ["type", "message"], children: [], text: true },
  "system-out": { required: [], optional: [], children: [], text: true },
  "system-err": { required: [], optional: [], children: [], text: true },
};

const SUREFIRE: Record<string, ElementRule> = {
  testsuite: {
    required: ["name", "tests", "errors", "skipped", "failures"],
    optional: ["version", "time", "group"],
    children: ["properties", "testcase"],
  },
  properties: { required: [], optional: [], children: ["property"] },
  property: { required: ["name", "value"], optional: [], children: [] },
  testcase: {
    required: ["name", "time"],
    optional: ["classname", "group"],
    children: [
      "failure",
      "rerunFailure",
      "flakyFailure",
      "skipped",
      "error",
      "rerunError",
      "flakyError",
      "system-out",
      "system-err",
    ],
    once: ["skipped", "error", "system-out", "system-err"],
  },
  failure: { required: ["type"], optional: ["message"], children: [], text: true },
  error: { required: ["type"], optional: ["message"], children: [], text: true },
  skipped: { required: [], optional: ["message"], children: [], text: true },
  "system-out": { required: [], optional: [], children: [], text: true },
  "system-err": { required: [], optional: [], children: [], text: true },
};

const elements = (el: Element): Element[] =>
  Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);

/** Every way `xml` breaks the schema's rules; empty when a strict consumer accepts it. */
export function junitSchemaProblems(xml: string, schema: JunitSchema): string[] {
  const problems: string[] = [];
  let root: Element | null;
  try {
    const parser = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") problems.push(`not well-formed XML: ${message}`);
      },
    });
    root = parser.parseFromString(xml, "text/xml").documentElement;
  } catch (error) {
    return [...problems, `not well-formed XML: ${(error as Error).message}`];
  }
  if (!root) return [...problems, "no root element"];
  const rules = schema === "jenkins" ? JENKINS : SUREFIRE;
  const time = schema === "jenkins" ? JENKINS_TIME : SUREFIRE_TIME;

  const check = (el: Element, path: string) => {
    const rule = rules[el.tagName];
    if (!rule) return void problems.push(`${path}: <${el.tagName}> is not in the schema`);
    for (const attr of Array.from(el.attributes)) {
      if (![...rule.required, ...rule.optional].includes(attr.name))
        problems.push(`${path}: attribute ${attr.name} is not allowed on <${el.tagName}>`);
    }
    for (const name of rule.required)
      if (!el.hasAttribute(name)) problems.push(`${path}: <${el.tagName}> needs ${name}`);
    if (el.hasAttribute("time") && !time.test(el.getAttribute("time")!))
      problems.push(`${path}: time "${el.getAttribute("time")}" is not a SUREFIRE_TIME`);
    const children = elements(el);
    let last = -1;
    for (const child of children) {
      const at = rule.children.indexOf(child.tagName);
      if (at < 0) problems.push(`${path}: <${child.tagName}> is not allowed in <${el.tagName}>`);
      else if (schema === "surefire" && at < last)
        problems.push(
          `${path}: <${child.tagName}> comes after a later element of <${el.tagName}>'s sequence`,
        );
      last = Math.max(last, at);
      check(child, `${path}/${child.tagName}`);
    }
    for (const name of rule.once ?? [])
      if (children.filter((c) => c.tagName === name).length > 1)
        problems.push(`${path}: more than one <${name}> in <${el.tagName}>`);
    if (!rule.text && Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.nodeValue?.trim()))
      problems.push(`${path}: <${el.tagName}> holds text`);
    if (el.tagName === "testsuite") problems.push(...countProblems(el, path));
  };

  if (schema === "surefire") {
    // Surefire's root is a <testsuite>: each suite of the <testsuites> file must be one.
    const suites = root.tagName === "testsuites" ? elements(root) : [root];
    for (const suite of suites) check(suite, `/${root.tagName}/${suite.tagName}`);
  } else check(root, `/${root.tagName}`);
  return problems;
}

/** What every consumer computes from the cases: the counts must agree with them. */
function countProblems(suite: Element, path: string): string[] {
  const cases = elements(suite).filter((c) => c.tagName === "testcase");
  const having = (name: string) => cases.filter((c) => elements(c).some((e) => e.tagName === name)).length;
  const expected: Record<string, number> = {
    tests: cases.length,
    failures: having("failure"),
    errors: having("error"),
    skipped: having("skipped"),
  };
  return Object.entries(expected).flatMap(([name, n]) => {
    const value = suite.getAttribute(name);
    if (value === null) return [];
    return /^\d+$/.test(value) && Number(value) === n
      ? []
      : [`${path}: ${name}="${value}", but it holds ${n}`];
  });
}
