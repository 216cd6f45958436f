import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { echoLastUserMessage } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { asking, copyRunnerProject, openaiEnv } from "../fixtures/runner/runner-project.js";
import { type Chromium, launchChromium, openHtml } from "../helpers/chromium.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI writes the report a CI job uploads; a reviewer opens it in a browser.
const KEY = "sk-cli-html-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;
let browser: Chromium;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => browser?.close());
beforeEach(() => {
  project = copyRunnerProject();
});
afterEach(() => project.cleanup());

describe("promptops test --reporter html", () => {
  it("writes one page that opens offline, the failure first, with what the model said", async () => {
    server.reply = (request) =>
      asking("order 4711")(request)
        ? "<script>alert('hi')</script> I cannot say."
        : echoLastUserMessage(request);
    const result = await runCli(["test", "--reporter", "html", "--output", "report.html"], {
      cwd: project.root,
      env: openaiEnv(server, KEY),
    });
    expect(result.code).toBe(1);
    const { page, errors, requests } = await openHtml(
      browser,
      readFileSync(join(project.root, "report.html"), "utf8"),
      project.root,
    );
    await page.waitForSelector("html[data-ready]");
    expect(await page.locator("#counts").textContent()).toBe("5 passed, 1 failed, 0 errors, 6 total");
    expect(await page.locator(".pager .shown").textContent()).toBe("1–6 of 6 cases");
    const first = page.locator("tr.case").first();
    expect(await first.locator(".mark").textContent()).toBe("✗");
    await first.getByRole("button").click();
    expect(await page.locator(".details pre.output").textContent()).toBe(
      "<script>alert('hi')</script> I cannot say.",
    );
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});
