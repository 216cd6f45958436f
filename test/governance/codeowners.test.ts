import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

/** A prompt owned by `owners` that includes the shared partials/tone.njk (and, for support, its own). */
function prompt(owners: string[], includes: string[]): string {
  return [
    `owners: ${JSON.stringify(owners)}`,
    "model: { provider: openai, name: gpt-4o-mini }",
    "messages:",
    "  - role: system",
    "    content: |",
    "      You answer customers.",
    ...includes.map((name) => `      {% include "${name}" %}`),
    "",
  ].join("\n");
}

// The team's hand-written rules around the block: kept byte for byte (CRLF and no final newline included).
const HAND_WRITTEN_TOP = "# Team rules\r\n*       @acme/everyone\r\n/docs/  @acme/writers\r\n";
const HAND_WRITTEN_BOTTOM = "/LICENSE @acme/legal";

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
  // The config lives in a subfolder of the repository: CODEOWNERS paths start at the repository root.
  await repo.write("app/promptops.config.yaml", "providers: [echo]\n");
  await repo.write(
    "app/prompts/support.prompt.yaml",
    prompt(["@acme/support"], ["partials/tone.njk", "partials/support rules.njk"]),
  );
  await repo.write(
    "app/prompts/billing/refund.prompt.yaml",
    prompt(["@acme/billing", "ann@acme.io"], ["partials/tone.njk"]),
  );
  await repo.write("app/prompts/unowned.prompt.yaml", prompt([], []));
  await repo.write("app/prompts/partials/tone.njk", "Be kind.\n");
  // Included through another partial: its owners are the owners of every prompt that reaches it.
  await repo.write("app/prompts/partials/support rules.njk", '{% include "partials/refunds*.njk" %}\n');
  await repo.write("app/prompts/partials/refunds*.njk", "30 days.\n");
  await repo.commit("prompts");
});
afterEach(async () => {
  await repo.cleanup();
});

const codeowners = (...args: string[]) => runCli(["codeowners", ...args], { cwd: join(repo.root, "app") });
const readCodeowners = () => readFile(join(repo.root, ".github/CODEOWNERS"), "utf8");

const EXPECTED_BLOCK = [
  "# BEGIN promptops codeowners",
  "# Written by `promptops codeowners` from each prompt's owners: edit the owners, not these lines.",
  "/app/prompts/billing/refund.prompt.yaml @acme/billing ann@acme.io",
  "/app/prompts/partials/refunds\\*.njk @acme/support",
  "/app/prompts/partials/support\\ rules.njk @acme/support",
  "/app/prompts/partials/tone.njk @acme/billing @acme/support ann@acme.io",
  "/app/prompts/support.prompt.yaml @acme/support",
  "# END promptops codeowners",
];

describe("promptops codeowners", () => {
  it("maps each prompt file and every partial it includes to the prompt's owners, paths from the repository root", async () => {
    const result = await codeowners();

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("wrote 5 owner lines to");
    // A partial shared by two teams lists both; a prompt without owners gets no line, so broader rules still apply.
    expect(await readCodeowners()).toBe(`${EXPECTED_BLOCK.join("\n")}\n`);
  });

  it("keeps the rest of the file byte for byte, in the file's own line endings, and changes nothing on a second run", async () => {
    await repo.write(".github/CODEOWNERS", `${HAND_WRITTEN_TOP}${HAND_WRITTEN_BOTTOM}`);
    expect((await codeowners()).code).toBe(0);
    const first = await readCodeowners();
    expect(first).toBe(`${HAND_WRITTEN_TOP}${HAND_WRITTEN_BOTTOM}\r\n${EXPECTED_BLOCK.join("\r\n")}\r\n`);

    // The team moves the block above its own last rule and adds a rule of its own below; owners change.
    const moved = `${HAND_WRITTEN_TOP}${EXPECTED_BLOCK.join("\r\n")}\r\n${HAND_WRITTEN_BOTTOM}\r\n/new @acme/new`;
    await repo.write(".github/CODEOWNERS", moved);
    await repo.write("app/prompts/unowned.prompt.yaml", prompt(["@bob"], []));
    expect((await codeowners()).code).toBe(0);
    const after = await readCodeowners();
    const block = [...EXPECTED_BLOCK];
    block.splice(7, 0, "/app/prompts/unowned.prompt.yaml @bob");
    expect(after).toBe(
      `${HAND_WRITTEN_TOP}${block.join("\r\n")}\r\n${HAND_WRITTEN_BOTTOM}\r\n/new @acme/new`,
    );

    const again = await codeowners();
    expect(again.stdout).toContain("is up to date");
    expect(await readCodeowners()).toBe(after);
  });

  it("--check in CI: a new owner the block does not have yet fails with the diff, and changes nothing", async () => {
    expect((await codeowners()).code).toBe(0);
    await repo.commit("CODEOWNERS");
    expect((await codeowners("--check")).code).toBe(0);

    // A pull request hands billing/refund to another team but forgets to regenerate CODEOWNERS.
    await repo.write(
      "app/prompts/billing/refund.prompt.yaml",
      prompt(["@acme/payments"], ["partials/tone.njk"]),
    );
    const before = await readCodeowners();
    const check = await codeowners("--check");

    expect(check.code).toBe(1);
    expect(check.stdout).toContain("-/app/prompts/billing/refund.prompt.yaml @acme/billing ann@acme.io");
    expect(check.stdout).toContain("+/app/prompts/billing/refund.prompt.yaml @acme/payments");
    expect(check.stdout).toContain("+/app/prompts/partials/tone.njk @acme/payments @acme/support");
    expect(check.stdout).toMatch(/the promptops block is stale; run `promptops codeowners`/);
    expect(await readCodeowners()).toBe(before);
    expect(await repo.git("status", "--porcelain", ".github")).toBe("");
  });

  it("--check fails when there is no block (or no file) yet, and --out names another file", async () => {
    const missing = await codeowners("--check");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("+# BEGIN promptops codeowners");

    expect((await codeowners("--out", "../CODEOWNERS")).code).toBe(0);
    expect(await readFile(join(repo.root, "CODEOWNERS"), "utf8")).toBe(`${EXPECTED_BLOCK.join("\n")}\n`);
    expect((await codeowners("--out", "../CODEOWNERS", "--check")).code).toBe(0);
  });

  it("refuses a file whose markers are broken, pointing at the line, and leaves it alone", async () => {
    const broken = `${HAND_WRITTEN_TOP}# BEGIN promptops codeowners\n/x @a\n`;
    await repo.write(".github/CODEOWNERS", broken);
    const result = await codeowners();

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /CODEOWNERS:4:1: .*1 "# BEGIN promptops codeowners" and 0 "# END promptops codeowners"/,
    );
    expect(await readCodeowners()).toBe(broken);
  });

  it("an owner CODEOWNERS cannot hold is a validate error at its place, with a did-you-mean", async () => {
    await repo.write(
      "app/prompts/billing/refund.prompt.yaml",
      prompt(["acme-billing", "@acme/billing", "billing team", "ann@acme"], []),
    );
    const result = await runCli(["validate"], { cwd: join(repo.root, "app") });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'prompts/billing/refund.prompt.yaml:1:10: error: owner "acme-billing" is not a CODEOWNERS entry (did you mean "@acme-billing"?)',
    );
    expect(result.stdout).toMatch(
      /refund\.prompt\.yaml:1:\d+: error: owner "billing team" is not a CODEOWNERS entry\n/,
    );
    expect(result.stdout).toContain('owner "ann@acme" is not a CODEOWNERS entry');
    expect(result.stdout).not.toContain('owner "@acme/billing"');
    expect(result.stdout).toContain("hint: an owner is a GitHub @user, an @org/team or an e-mail address");
    // codeowners will not write a block GitHub would ignore.
    expect((await codeowners()).code).toBe(1);
  });
});
