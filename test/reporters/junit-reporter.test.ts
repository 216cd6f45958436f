import { describe, expect, it } from "vitest";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { cached, errored, failed, passed, runResults } from "./fixtures.js";
import { parseXml, type XmlElement } from "./parse-xml.js";

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);

describe("the junit reporter", () => {
  const xml = formatJunitReport(runResults());
  const root = parseXml(xml);

  it("writes well-formed XML that counts every case", () => {
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "4", failures: "1", errors: "1", time: "5.321" });
    const suites = root.children;
    expect(suites.map((s) => s.attributes.name)).toEqual([
      "support-agent [openai:gpt-4o-mini]",
      "support-agent [anthropic:claude-3-5-haiku]",
      "billing/refund v3 [openai:my-finetune]",
    ]);
    expect(suites.map((s) => [s.attributes.tests, s.attributes.failures, s.attributes.errors])).toEqual([
      ["2", "1", "0"],
      ["1", "0", "1"],
      ["1", "0", "0"],
    ]);
    expect(suites[0]!.attributes.time).toBe("2.346");
    const names = suites.flatMap((s) => s.children.map((c) => c.attributes.name));
    expect(names).toEqual([passed.test, failed.test, errored.test, cached.test]);
  });

  it("reports a failed case with its failed assertions' messages, and a provider failure as an error", () => {
    const [ok, bad] = root.children[0]!.children;
    expect(ok!.children).toEqual([]);
    expect(ok!.attributes).toMatchObject({ classname: "support-agent [openai:gpt-4o-mini]", time: "0.812" });
    const failure = child(bad!, "failure")!;
    expect(failure.attributes.type).toBe("max-length, not-contains");
    expect(failure.attributes.message).toBe(
      'max-length: expected at most 200 characters, found 563; not-contains: expected no "Dear", found "Dear" at 0',
    );
    expect(failure.text).toContain("output:\nDear <customer> & co,");
    expect(failure.attributes.message).not.toContain("starts-with");

    const error = child(root.children[1]!.children[0]!, "error")!;
    expect(error.attributes.message).toContain("529 overloaded_error (3 attempts)");
    expect(child(root.children[1]!.children[0]!, "failure")).toBeUndefined();
  });

  it("keeps the reply's text but replaces characters XML 1.0 cannot hold", () => {
    const bad = root.children[0]!.children[1]!;
    const out = child(bad, "system-out")!.text;
    expect(out).toBe(failed.output.replace("\u001b", "\uFFFD").replace("\u0000", "\uFFFD"));
    expect(xml).not.toContain("\u001b");
    expect(xml).not.toContain("\u0000");
  });

  it("escapes quotes and line breaks in attributes so they survive parsing", () => {
    expect(root.children[0]!.children[1]!.attributes.name).toBe('answers "short", politely');
    const error = child(root.children[1]!.children[0]!, "error")!;
    expect(error.attributes.message).toContain("\nx-api-key: ");
  });

  it("points each case at its test's line, for CI annotations", () => {
    expect(root.children[0]!.children[1]!.attributes).toMatchObject({
      file: "prompts/support-agent.prompt.yaml",
      line: "20",
    });
    expect(root.children[2]!.children[0]!.attributes.file).toBeUndefined();
  });

  it("writes an empty but valid report for a run without cases", () => {
    const empty = parseXml(formatJunitReport(runResults([])));
    expect(empty.attributes.tests).toBe("0");
    expect(empty.children).toEqual([]);
  });

  it("has a reader that rejects what a CI's parser would reject", () => {
    expect(() => parseXml("<a><b></a></b>")).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml("<a>\u0001</a>")).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
  });
});
