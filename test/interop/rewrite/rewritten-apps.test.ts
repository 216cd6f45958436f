// The bar of issue 19 for `extract --write`: each fixture app, rewritten to load its prompts from a
// promptops project, type-checks and sends byte for byte the requests the original sent, in order.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "@typescript/typescript6";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { ExtractedPrompt } from "../../../src/interop/extract/extracted-prompt.js";
import { rewriteCallSites } from "../../../src/interop/rewrite/rewrite-call-sites.js";
import { fakeProviderServerPerFile } from "../../fake-provider/per-file.js";
import { runCli } from "../../helpers/run-cli.js";
import { runNode } from "../../helpers/run-node.js";
import { makeTempRepo, type TempRepo } from "../../helpers/temp-repo.js";
import { requireBuild } from "../../lockfile/lockfile-fixtures.js";
import { fixtureExtractResult, JS_APP_PROMPTS, sdkCallIn, TS_APP_PROMPTS } from "./fixture-extract-result.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const FIXTURES = join(REPO, "test", "fixtures", "extract");
// TypeScript 7's compiler, as the app's own devDependency would be.
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

const server = fakeProviderServerPerFile({
  // The triage worker parses its reply as JSON; the others take any text.
  reply: (request) => (request.body?.response_format ? '{"priority":"p2"}' : "fr"),
});

/** The app copied into a fresh git repo, resolving its packages to this repo's build and devDependencies. */
async function appRepo(app: string): Promise<TempRepo> {
  const repo = await makeTempRepo();
  cpSync(join(FIXTURES, app), repo.root, { recursive: true });
  mkdirSync(join(repo.root, "node_modules", "@types"), { recursive: true });
  mkdirSync(join(repo.root, "node_modules", "@anthropic-ai"), { recursive: true });
  symlinkSync(REPO, join(repo.root, "node_modules", "promptops"));
  for (const name of ["openai", "@anthropic-ai/sdk", "@types/node"]) {
    symlinkSync(join(REPO, "node_modules", name), join(repo.root, "node_modules", name));
  }
  writeFileSync(join(repo.root, ".gitignore"), "node_modules\ndist\n");
  return repo;
}

/** Runs the app's main module against the fake provider; returns each request body as sent. */
async function requestsOf(repo: TempRepo, main: string): Promise<string[]> {
  server.reset();
  const { code, stderr } = await runNode([main], {
    cwd: repo.root,
    timeoutMs: 30_000,
    env: {
      OPENAI_BASE_URL: `${server.url}/v1`,
      ANTHROPIC_BASE_URL: server.url,
      OPENAI_API_KEY: "sk-test",
      ANTHROPIC_API_KEY: "sk-ant-test",
    },
  });
  // stderr may hold the Anthropic SDK's warning about a deprecated model: the exit code says it ran.
  expect(code, stderr).toBe(0);
  return server.requests.map((request) => request.rawBody);
}

function tsc(cwd: string, ...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    // --rootDir: TypeScript 7 asks for it when it emits; the fixture's tsconfig predates that.
    execFile(
      process.execPath,
      [TSC, "-p", ".", "--rootDir", "src", ...args],
      { cwd, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
}

/** What `extract` would write for each prompt: one prompt file, published and active in production. */
async function publishPrompts(repo: TempRepo, prompts: readonly ExtractedPrompt[]): Promise<void> {
  await repo.write("promptops.config.yaml", "environments: [staging, production]\n");
  for (const prompt of prompts) {
    const file = {
      model: {
        provider: prompt.shape === "anthropic-messages" ? "anthropic" : "openai",
        name: prompt.model,
        ...(Object.keys(prompt.params).length > 0 ? { params: prompt.params } : {}),
      },
      ...(prompt.variables.length > 0
        ? { variables: Object.fromEntries(prompt.variables.map((v) => [v.name, { type: v.type }])) }
        : {}),
      messages: prompt.messages,
      ...(prompt.responseFormat ? { response_format: prompt.responseFormat } : {}),
    };
    await repo.write(`prompts/${prompt.id}.prompt.yaml`, stringify(file));
  }
  await repo.commit("extract prompts");
  const cli = async (...args: string[]) => {
    const result = await runCli(args, { cwd: repo.root });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  };
  await cli("publish", "-m", "extracted from code");
  for (const prompt of prompts) await cli("activate", `${prompt.id}@1`, "--env", "production");
}

const METHOD = {
  "openai-chat": "messages",
  "anthropic-messages": "anthropic",
  "openai-responses": "responses",
};

/** Every rewritten call renders its prompt by id; nothing of the inline prompt is left at the call. */
function expectRewritten(prompts: readonly ExtractedPrompt[]): void {
  for (const prompt of prompts) {
    const { source, call } = sdkCallIn(prompt.call.file, prompt.functionName!);
    const text = call.getText(source);
    expect(text).toContain(`prompts.${METHOD[prompt.shape]}(${JSON.stringify(prompt.id)}`);
    expect(text).not.toMatch(/\b(role|system|instructions|input)\s*[,:]|\bmessages\s*,/);
  }
}

function unchanged(app: string, root: string, file: string): void {
  expect(readFileSync(join(root, file), "utf8")).toBe(readFileSync(join(FIXTURES, app, file), "utf8"));
}

describe("an app rewritten by extract --write sends the requests it sent before, byte for byte", () => {
  it("the TypeScript app (ESM, noUnusedLocals): type-checks, and its seven requests are unchanged", async () => {
    requireBuild();
    await using repo = await appRepo("ts-app");
    expect((await tsc(repo.root)).output).toBe("");
    const before = await requestsOf(repo, "dist/main.js");
    expect(before).toHaveLength(7);

    const result = fixtureExtractResult(repo.root, TS_APP_PROMPTS);
    const outcome = await rewriteCallSites(result, { root: repo.root, env: "production" }, ts);
    expect(outcome.rewritten.map((p) => p.id)).toEqual(TS_APP_PROMPTS.map((p) => p.id));
    expectRewritten(result.prompts);
    for (const file of ["src/not-extractable.ts", "src/main.ts", "src/voice.ts"])
      unchanged("ts-app", repo.root, file);
    await publishPrompts(repo, result.prompts);

    expect((await tsc(repo.root, "--noEmit")).output).toBe("");
    expect((await tsc(repo.root)).output).toBe("");
    expect(await requestsOf(repo, "dist/main.js")).toEqual(before);
  }, 180_000);

  it("the JavaScript worker (ESM and a CommonJS module): its four requests are unchanged", async () => {
    requireBuild();
    await using repo = await appRepo("js-app");
    const before = await requestsOf(repo, "src/main.js");
    expect(before).toHaveLength(4);

    const result = fixtureExtractResult(repo.root, JS_APP_PROMPTS);
    await rewriteCallSites(result, { root: repo.root, env: "production" }, ts);
    expectRewritten(result.prompts);
    unchanged("js-app", repo.root, "src/main.js");
    await publishPrompts(repo, result.prompts);

    expect(await requestsOf(repo, "src/main.js")).toEqual(before);
  }, 180_000);
});
