import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

// The HTML report is tested in a real browser: Debian's chromium, driven by playwright-core (which
// downloads no browser of its own). .ci/run installs it; a machine without it fails these tests
// with this message rather than skipping them.
export const CHROMIUM_PATH = process.env.PROMPTOPS_CHROMIUM ?? "/usr/bin/chromium";

// Headless, and nothing that reaches for the network on its own (this machine's network is
// closed: background requests would fail many at a time and slow every start).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, removed on close. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium is needed to test the HTML report, and ${CHROMIUM_PATH} does not exist: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set PROMPTOPS_CHROMIUM`,
    );
  const profile = mkdtempSync(join(tmpdir(), "promptops-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** console.error messages and uncaught exceptions, in order. */
  errors: string[];
  /** Every URL the page asked for, the page's own file included. */
  requests: string[];
}

/** Writes `html` to a file and opens it, recording errors and requests from the start. */
export async function openHtml(chromiumInstance: Chromium, html: string, dir: string): Promise<OpenedPage> {
  const file = join(dir, `page-${Date.now()}-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, html);
  const page = await chromiumInstance.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, errors, requests };
}
