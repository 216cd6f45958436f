import { describe, expect, it } from "vitest";
import { formatHtmlReport } from "../../src/reporters/html/format-html-report.js";
import { readAddress, writeAddress } from "../../src/reporters/html/report-address.js";
import { everydayRun, HOSTILE_OUTPUT } from "../fixtures/html-report/report-runs.js";
import { reportDataOf, reportDataText } from "../helpers/html-report-data.js";
import { failed, OPENAI_KEY, passed, runResults } from "./fixtures.js";

// What the page is made of; how it looks and behaves is html-report-browser.test.ts.

describe("the HTML report's page", () => {
  it("embeds the run as JSON that no reply can end early, and reads back unchanged", () => {
    const html = formatHtmlReport(everydayRun());
    for (const id of ["report-index", "report-data"] as const)
      expect(reportDataText(html, id)).not.toContain("<");
    const payload = reportDataOf(html);
    expect(payload.cases.map((c) => c.result.output)).toContain(HOSTILE_OUTPUT);
    expect(payload.index.cases.map((c) => c.test)).toContain("never names a <b>competitor</b>");
  });

  it("redacts API keys from replies and errors", () => {
    const html = formatHtmlReport(
      runResults([passed, { ...failed, output: `the key is ${OPENAI_KEY}`, error: `echo ${OPENAI_KEY}` }]),
    );
    expect(html).not.toContain(OPENAI_KEY);
    expect(reportDataOf(html).cases[1]!.result.output).toBe("the key is sk-…[redacted]");
  });

  it("allows itself no request: a policy of default-src 'none', its own script and style by hash", () => {
    const html = formatHtmlReport(everydayRun());
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(policy?.split("; ")).toEqual([
      "default-src 'none'",
      expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]+=*'$/),
      expect.stringMatching(/^script-src 'sha256-[A-Za-z0-9+/]+=*'$/),
      "img-src data:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it("writes the view into the address and reads it back, leaving out what is as the page starts", () => {
    const start = readAddress("");
    expect(writeAddress(start)).toBe("#");
    const view = {
      ...start,
      statuses: ["fail"],
      provider: "openai:gpt-4o",
      query: "a & b #1",
      view: "matrix" as const,
      page: 2,
    };
    expect(writeAddress(view)).toBe(
      "#status=fail&provider=openai%3Agpt-4o&query=a+%26+b+%231&view=matrix&page=3",
    );
    expect(readAddress(writeAddress(view))).toEqual(view);
    expect(readAddress("#page=0&view=grid")).toEqual(start);
  });
});
