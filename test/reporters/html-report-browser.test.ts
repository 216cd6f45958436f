import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { formatHtmlReport } from "../../src/reporters/html/format-html-report.js";
import { baselineRun, everydayRun, HOSTILE_OUTPUT, largeRun } from "../fixtures/html-report/report-runs.js";
import { type Chromium, launchChromium, type OpenedPage, openHtml } from "../helpers/chromium.js";
import { runResults, tempDir } from "./fixtures.js";

// The HTML report as a user sees it: opened from disk in headless Chromium, driven by clicks and
// typing, read back from what the page shows.

let browser: Chromium;
const dir = tempDir();
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  dir.cleanup();
});

const opened: OpenedPage[] = [];
async function open(run: RunResults): Promise<OpenedPage> {
  const page = await openHtml(browser, formatHtmlReport(run), dir.path);
  await page.page.waitForSelector("html[data-ready]");
  opened.push(page);
  return page;
}

/** The list's rows as "mark test · prompt · provider". */
const listRows = (page: OpenedPage["page"]) =>
  page.locator("table.cases > tbody > tr.case").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.children].map((cell) => cell as HTMLElement);
      const test = cells[1]!.querySelector("button")!.textContent;
      return `${cells[0]!.textContent} ${test} · ${cells[2]!.textContent} · ${cells[3]!.textContent}`;
    }),
  );
const shown = (page: OpenedPage["page"]) => page.locator(".pager .shown").textContent();

describe("the HTML report, opened in a browser", () => {
  it("opens from disk without a request or a console error, with the counts and a row per prompt × provider", async () => {
    const { page, errors, requests } = await open(everydayRun());
    expect(await page.locator("#counts").textContent()).toBe(
      "4 passed, 3 failed, 1 error, 8 total (1 allowed to fail)",
    );
    const groups = await page
      .locator("table.groups tbody tr")
      .evaluateAll((rows) => rows.map((row) => [...row.children].slice(0, 6).map((c) => c.textContent)));
    expect(groups).toEqual([
      ["support-agent", "openai:gpt-4o-mini", "2", "3", "0", "40%"],
      ["support-agent", "anthropic:claude-3-5-haiku", "0", "0", "1", "0%"],
      ["support-agent", "anthropic:claude-haiku-4-5", "1", "0", "0", "100%"],
      ["billing/refund v3", "openai:gpt-4o-mini", "1", "0", "0", "100%"],
    ]);
    // Without --baseline there is nothing to filter by change.
    expect(await page.getByLabel("change", { exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*\.html$/);
  });

  it("lists failures and errors first, allowed failures after them, passes last", async () => {
    const { page } = await open(everydayRun());
    expect(await listRows(page)).toEqual([
      "✗ never names a <b>competitor</b> · support-agent · openai:gpt-4o-mini",
      "! mentions refund window · support-agent · anthropic:claude-3-5-haiku",
      "✗ answers the same each time · support-agent · openai:gpt-4o-mini",
      "✗ is brief (flaky) · support-agent · openai:gpt-4o-mini",
      "✓ mentions refund window · support-agent · openai:gpt-4o-mini",
      "✓ mentions refund window · support-agent · anthropic:claude-haiku-4-5",
      "✓ quotes the policy · billing/refund v3 · openai:gpt-4o-mini",
      "✓ looks the order up · support-agent · openai:gpt-4o-mini",
    ]);
    const badges = await page.locator("tr.case .badge").allTextContents();
    expect(badges).toEqual(["allowed to fail"]);
    expect(await page.locator("tr.case").nth(3).locator(".mark").getAttribute("class")).toContain("allowed");
  });

  it("filters by status, prompt, version, provider and text, and shows what matches", async () => {
    const { page, errors } = await open(everydayRun());
    await page.getByRole("button", { name: /^passed/ }).click();
    expect(await shown(page)).toBe("1–4 of 4 cases");
    await page.getByRole("button", { name: /^errors/ }).click();
    expect(await listRows(page)).toHaveLength(3);
    await page.getByRole("button", { name: /^passed/ }).click();
    await page.getByRole("button", { name: /^errors/ }).click();

    await page.getByLabel("prompt", { exact: true }).selectOption("billing/refund");
    expect(await listRows(page)).toEqual(["✓ quotes the policy · billing/refund v3 · openai:gpt-4o-mini"]);
    await page.getByLabel("prompt", { exact: true }).selectOption("");

    await page.getByLabel("version", { exact: true }).selectOption("v3");
    expect(await shown(page)).toBe("1–1 of 1 cases");
    await page.getByLabel("version", { exact: true }).selectOption("draft");
    await page.getByLabel("provider", { exact: true }).selectOption("anthropic:claude-haiku-4-5");
    expect(await listRows(page)).toEqual([
      "✓ mentions refund window · support-agent · anthropic:claude-haiku-4-5",
    ]);
    await page.getByLabel("provider", { exact: true }).selectOption("");

    // The search reads tests, outputs and errors, whatever their case.
    await page.getByLabel("search").fill("OVERLOADED");
    expect(await listRows(page)).toEqual([
      "! mentions refund window · support-agent · anthropic:claude-3-5-haiku",
    ]);
    // …and the names of the tools a model called.
    await page.getByLabel("search").fill("lookup_order");
    expect(await listRows(page)).toEqual(["✓ looks the order up · support-agent · openai:gpt-4o-mini"]);
    await page.getByLabel("search").fill("no such text anywhere");
    expect(await shown(page)).toBe("no cases match");
    await page.getByLabel("search").fill("");

    // A prompt × provider of the summary table shows its cases, and says so in the filters.
    await page.locator("table.groups").getByRole("button", { name: "billing/refund v3" }).click();
    expect(await listRows(page)).toEqual(["✓ quotes the policy · billing/refund v3 · openai:gpt-4o-mini"]);
    const filters = await page
      .locator(".controls select")
      .evaluateAll((selects) => selects.map((select) => (select as HTMLSelectElement).value));
    expect(filters).toEqual(["billing/refund", "v3", "openai:gpt-4o-mini"]);
    expect(errors).toEqual([]);
  });

  it("shows a matrix of tests × providers; a cell opens that case", async () => {
    const { page, errors } = await open(everydayRun());
    await page.getByRole("button", { name: "Matrix" }).click();
    const headings = await page.locator("table.matrix thead th").allTextContents();
    expect(headings).toEqual([
      "prompt",
      "test",
      "openai:gpt-4o-mini",
      "anthropic:claude-3-5-haiku",
      "anthropic:claude-haiku-4-5",
    ]);
    const row = page.locator("table.matrix tbody tr", { hasText: "mentions refund window" });
    expect(await row.locator("td.cell").allTextContents()).toEqual(["✓", "!", "✓"]);
    await page
      .getByRole("button", { name: "mentions refund window on anthropic:claude-3-5-haiku: error" })
      .click();
    expect(await page.locator(".details pre.error").textContent()).toContain("529 overloaded_error");
    // The repeated case shows its pass rate in its cell.
    const repeatedRow = page.locator("table.matrix tbody tr", { hasText: "answers the same each time" });
    expect((await repeatedRow.locator("td.cell").first().textContent())?.trim()).toBe("✗ 67%");
    expect(errors).toEqual([]);
  });

  it("shows a hostile reply as text: nothing in it runs, loads or becomes markup", async () => {
    const { page, errors, requests } = await open(everydayRun());
    await page.getByRole("button", { name: "never names a <b>competitor</b>" }).click();
    expect(await page.locator(".details pre.output").textContent()).toBe(HOSTILE_OUTPUT);
    const dom = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      scripts: [...document.scripts].map((script) => `${script.type}#${script.id}`),
      images: document.images.length,
      bold: document.querySelectorAll("b").length,
    }));
    // The page's own three: the index, the script, the results.
    expect(dom).toEqual({
      pwned: undefined,
      scripts: ["application/json#report-index", "#", "application/json#report-data"],
      images: 0,
      bold: 0,
    });
    expect(requests).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("opens a case's details: assertions, repeats with their spread, tool calls", async () => {
    const { page } = await open(everydayRun());
    await page.getByRole("button", { name: "answers the same each time" }).click();
    const details = page.locator(".details");
    expect(await details.locator("h4").allTextContents()).toContain(
      "Repeats: 2/3 passed (67%, needs 100%) · scores 0.00–1.00, mean 0.67 ± 0.47",
    );
    expect(await details.locator("table.samples tbody tr").count()).toBe(3);
    await page.getByRole("button", { name: "answers the same each time" }).click();
    expect(await page.locator(".details").count()).toBe(0);

    await page.getByRole("button", { name: "looks the order up" }).click();
    const calls = page.locator(".details ol.tool-calls li");
    expect(await calls.locator("code").allTextContents()).toEqual(["lookup_order", "send_email"]);
    const args = await calls.locator("pre").allTextContents();
    expect(JSON.parse(args[0]!)).toEqual({ orderId: "4711", include: ["items"] });
    expect(args[1]).toBe('{"to": "ann@');
  });

  it("for a --baseline run: the verdicts, and a case's outputs side by side with the diff, deltas and pairwise votes", async () => {
    const { page, errors } = await open(baselineRun());
    const verdicts = await page
      .locator("table.verdicts tbody tr")
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((c) => c.textContent)));
    expect(verdicts).toEqual([
      [
        "support",
        "openai:gpt-4o-mini",
        "v3 → draft",
        "regressed",
        "1 of 3 regressed, 1 improved",
        "±0%",
        "0.00",
        "+10 in / +4 out",
        "+<$0.0001",
        "+33ms",
      ],
    ]);
    expect(await page.locator("ul.missing li").allTextContents()).toEqual([
      "no baseline for newbie: newbie is not active in production",
    ]);
    // In the list, what moved against the baseline is marked on its row, and can be filtered on.
    expect(await page.locator("tr.case .badge").allTextContents()).toEqual(["regressed", "improved"]);
    await page.getByLabel("change", { exact: true }).selectOption("improved");
    expect(await listRows(page)).toEqual(["✓ greets by name · support · openai:gpt-4o-mini"]);
    await page.getByLabel("change", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "quotes the refund window" }).click();
    const details = page.locator(".details");
    expect(await details.locator("h4", { hasText: "Pairwise" }).locator("+ p").textContent()).toBe(
      'pairwise: baseline preferred for "Quotes the refund window"',
    );
    expect(await details.locator(".side-by-side h5").allTextContents()).toEqual(["v3 (baseline)", "draft"]);
    expect(await details.locator(".side-by-side pre").allTextContents()).toEqual([
      "Hello Ada.\nRefunds are possible within 30 days of purchase.\nAnything else?",
      "Hello Ada.\nRefunds are possible within 60 days of purchase.\nAnything else?",
    ]);
    expect(await details.locator("pre.diff .del").allTextContents()).toEqual([
      "--- support@v3\n",
      "-Refunds are possible within 30 days of purchase.\n",
    ]);
    expect(await details.locator("pre.diff .add").allTextContents()).toEqual([
      "+++ support@draft\n",
      "+Refunds are possible within 60 days of purchase.\n",
    ]);
    expect(await details.locator("table.deltas tbody td").allTextContents()).toEqual([
      "−1.00",
      "+10 in / +4 out",
      "+<$0.0001",
      "+100ms",
    ]);
    expect(
      await details
        .locator("ul.pairwise > li")
        .first()
        .evaluate((li) => li.firstChild?.textContent),
    ).toBe("Quotes the refund window: baseline wins");
    expect(await details.locator("ul.pairwise li li").allTextContents()).toEqual([
      "current-first: baseline — v3 quotes 30 days",
      "baseline-first: baseline — the first is right",
    ]);
    // A case whose baseline errored says so under it.
    await page.getByRole("button", { name: "signs off" }).click();
    const signOff = page.locator(".details").last();
    expect(await signOff.locator("h4").allTextContents()).toContain("Error on v3");
    expect(await signOff.locator("pre.error").textContent()).toBe("v3: 503 upstream unavailable");
    expect(errors).toEqual([]);
  });

  it("keeps the filters in the address, so a reload or a shared link opens the same view", async () => {
    const { page, errors } = await open(everydayRun());
    await page.getByLabel("provider", { exact: true }).selectOption("anthropic:claude-haiku-4-5");
    await page.getByLabel("search").fill("Refund");
    await page.getByRole("button", { name: /^errors/ }).click();
    await page.getByRole("button", { name: "Matrix" }).click();
    expect(new URL(page.url()).hash).toBe(
      "#status=fail%2Cpass&provider=anthropic%3Aclaude-haiku-4-5&query=Refund&view=matrix",
    );
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    expect(await page.getByLabel("provider", { exact: true }).inputValue()).toBe(
      "anthropic:claude-haiku-4-5",
    );
    expect(await page.getByLabel("search").inputValue()).toBe("Refund");
    expect(await page.getByRole("button", { name: /^errors/ }).getAttribute("aria-pressed")).toBe("false");
    expect(await page.locator("table.matrix tbody th").allTextContents()).toEqual(["mentions refund window"]);

    // An address naming what this run does not have is the page as it starts.
    const url = new URL(page.url());
    url.hash = "prompt=%3Cimg%20src%3Dx%3E&page=-3";
    await page.goto(url.href);
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    expect(await shown(page)).toBe("1–8 of 8 cases");
    expect(await page.getByLabel("prompt", { exact: true }).inputValue()).toBe("");
    expect(errors).toEqual([]);
  });

  it("opens a run with no case at all, saying so", async () => {
    const { page, errors } = await open(runResults([]));
    expect(await page.locator("#counts").textContent()).toBe("0 passed, 0 failed, 0 errors, 0 total");
    expect(await shown(page)).toBe("no cases match");
    await page.getByRole("button", { name: "Matrix" }).click();
    expect(await shown(page)).toBe("no tests match");
    expect(errors).toEqual([]);
  });

  it("pages through 10,000 cases a hundred at a time, and filters all of them", async () => {
    const { page, errors } = await open(largeRun(10_000));
    expect(await shown(page)).toBe("1–100 of 10,000 cases");
    expect(await page.locator("tr.case").count()).toBe(100);
    // Failures first: the 200 errors, then the failures.
    expect(await page.locator("tr.case .mark").first().textContent()).toBe("!");
    await page.getByRole("button", { name: "next ›" }).click();
    expect(await shown(page)).toBe("101–200 of 10,000 cases");
    await page.getByRole("button", { name: /^passed/ }).click();
    expect(await shown(page)).toBe("1–100 of 1,600 cases");
    await page.getByLabel("search").fill("reply 9996");
    expect(await listRows(page)).toEqual(["✗ test 99 · prompt-24 · openai:gpt-4o-mini"]);
    await page.getByLabel("search").fill("");
    await page.getByRole("button", { name: "Matrix" }).click();
    expect(await shown(page)).toBe("1–100 of 1,515 tests");
    expect(errors).toEqual([]);
  });
});

describe("the HTML report, while a large page is still arriving", () => {
  it("draws its first page from the index at once, and a case opened meanwhile once its results are in", async () => {
    const html = formatHtmlReport(everydayRun());
    const cut = html.indexOf('<script type="application/json" id="report-data">');
    let release!: () => void;
    const rest = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Served over HTTP in two parts: everything before the results, then (when the test says) the rest.
    const server = createServer(async (_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.write(html.slice(0, cut));
      await rest;
      response.end(html.slice(cut));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    try {
      const { port } = server.address() as AddressInfo;
      const loaded = page.goto(`http://127.0.0.1:${port}/report.html`);
      await page.waitForSelector("html[data-ready]");
      expect(await listRows(page)).toHaveLength(8);
      await page.getByRole("button", { name: "answers the same each time" }).click();
      expect(await page.locator("#cases").textContent()).toBe("reading the cases' results…");
      release();
      await loaded;
      await page.locator(".details table.samples").waitFor();
      expect(await page.locator(".details table.samples tbody tr").count()).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      release();
      await page.close();
      server.close();
    }
  });
});
