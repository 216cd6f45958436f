import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EnvRepo,
  LOCKFILE,
  makeEnvRepo,
  REFUND_WINDOW,
  SUPPORT_TONE,
  TONE,
} from "../fixtures/environments/env-repo.js";
import { makeProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// Read-only for every test: staging runs support v3 and refund v2, production support v2 and
// refund v1, and the working tree holds an unpublished edit of support's tone.
let repo: EnvRepo;
beforeAll(async () => {
  repo = await makeEnvRepo();
  await repo.activateAll(
    ["support@3", "staging"],
    ["billing/refund@2", "staging"],
    ["support@2", "production"],
    ["billing/refund@1", "production"],
  );
  await repo.commit("Activate support and refund");
  await repo.write(TONE, "Be curt.\n");
});
afterAll(async () => {
  await repo.cleanup();
});

describe("promptops status", () => {
  it("shows the active version of each prompt in each environment, in config order", async () => {
    const result = await repo.cli("status");

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PROMPT\s+LATEST\s+DRAFT\s+STAGING\s+PRODUCTION$/m);
    expect(result.stdout).toMatch(/^billing\/refund\s+v2\s+unchanged\s+v2\s+v1$/m);
    expect(result.stdout).toMatch(/^support\s+v3\s+changed\s+v3\s+v2$/m);
  });

  it("--json gives `active` per environment", async () => {
    const report = JSON.parse((await repo.cli("status", "--json")).stdout);
    expect(report.environments).toEqual(["staging", "production"]);
    const active = Object.fromEntries(
      report.prompts.map((p: { id: string; active: unknown }) => [p.id, p.active]),
    );
    expect(active).toEqual({
      "billing/refund": { staging: 2, production: 1 },
      support: { staging: 3, production: 2 },
    });
  });
});

describe("promptops diff env:staging env:production", () => {
  it("diffs the two active versions' content", async () => {
    const result = await repo.cli("diff", "support", "env:staging", "env:production");

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--- support@env:staging (v3)");
    expect(result.stdout).toContain("+++ support@env:production (v2)");
    expect(result.stdout).toMatch(new RegExp(`^-\\s+${SUPPORT_TONE[3]}$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^\\+\\s+${SUPPORT_TONE[2]}$`, "m"));
    expect(result.stdout).not.toContain("Be curt.");

    const json = JSON.parse(
      (await repo.cli("diff", "support", "env:staging", "env:production", "--json")).stdout,
    );
    expect(json.from).toMatchObject({
      label: "env:staging (v3)",
      hash: await repo.tagHash("prompt/support/v3"),
    });
    expect(json.to).toMatchObject({
      label: "env:production (v2)",
      hash: await repo.tagHash("prompt/support/v2"),
    });
  });
});

describe("promptops render --env", () => {
  it("renders what production runs: the content the lockfile holds, not the working tree", async () => {
    const args = ["--var", "userMessage=Where is my refund?"];
    const result = await repo.cli("render", "support", "--env", "production", ...args);

    expect(result.code).toBe(0);
    const messages = JSON.parse(result.stdout);
    expect(messages).toEqual([
      { role: "system", content: expect.stringContaining(SUPPORT_TONE[2]) },
      { role: "user", content: "Where is my refund?" },
    ]);
    expect(result.stdout).toBe((await repo.cli("render", "support", "--version", "2", ...args)).stdout);
    expect(result.stdout).not.toContain("Be curt.");
  });

  it("needs no git: renders from the lockfile in a folder that is not a repository, like test --env", async () => {
    const args = ["--var", "userMessage=Where is my refund?"];
    // What a deploy artefact holds: the config and the lockfile, no .git and no prompt files.
    const copy = makeProjectDir({
      "promptops.config.yaml": await repo.read("promptops.config.yaml"),
      [LOCKFILE]: await repo.read(LOCKFILE),
    });
    try {
      const result = await runCli(["render", "support", "--env", "production", ...args], { cwd: copy.root });

      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        (await repo.cli("render", "support", "--env", "production", ...args)).stdout,
      );
    } finally {
      copy.cleanup();
    }
  });

  it("refuses an environment that is not configured", async () => {
    const result = await repo.cli("render", "support", "--env", "qa", "--var", "userMessage=hi");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("staging, production");
  });
});

describe("promptops test --env", () => {
  it("runs the production versions' tests with the echo provider; results carry the version", async () => {
    const output = join(repo.dir, "production-results.json");
    const result = await repo.cli(
      "test",
      "--env",
      "production",
      "--providers",
      "echo",
      "--no-cache",
      "--reporter",
      "json",
      "--output",
      output,
    );

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const { summary, results } = JSON.parse(await readFile(output, "utf8"));
    expect(summary).toMatchObject({ total: 2, passed: 2, failed: 0, errors: 0 });
    const byPrompt = Object.fromEntries(results.map((r: { prompt: string }) => [r.prompt, r]));
    expect(byPrompt.support).toMatchObject({
      version: 2,
      hash: await repo.tagHash("prompt/support/v2"),
      provider: "echo",
      status: "pass",
    });
    expect(byPrompt.support.output).toContain(SUPPORT_TONE[2]);
    expect(byPrompt["billing/refund"]).toMatchObject({
      version: 1,
      hash: await repo.tagHash("prompt/billing/refund/v1"),
      status: "pass",
    });
    expect(byPrompt["billing/refund"].output).toContain(REFUND_WINDOW[1]);
  });
});
