// The bar of issue 19 for `extract --write`: each fixture app, rewritten to load its prompts from a
// promptops project, type-checks and sends byte for byte the requests the original sent, in order.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ExtractedPrompt } from "../../../src/interop/extract/extracted-prompt.js";
import { fakeProviderServerPerFile } from "../../fake-provider/per-file.js";
import { CLI } from "../../helpers/run-cli.js";
import { runNode } from "../../helpers/run-node.js";
import { makeTempRepo, type TempRepo } from "../../helpers/temp-repo.js";
import { requireBuild } from "../../lockfile/lockfile-fixtures.js";
import { sdkCallIn } from "./fixture-extract-result.js";

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

/** `promptops extract src --write` in the app, then its prompts published and active in production. */
async function extractAndPublish(repo: TempRepo): Promise<ListedPrompt[]> {
  await repo.write("promptops.config.yaml", "environments: [staging, production]\n");
  // Not runCli: extract loads the 9 MB compiler API, which can take longer than its 15 s on a busy machine.
  const cli = async (...args: string[]) => {
    const result = await runNode([CLI, ...args], { cwd: repo.root, timeoutMs: 120_000 });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    return result.stdout;
  };
  const listed = JSON.parse(await cli("extract", "src", "--write", "--json")) as { prompts: ListedPrompt[] };
  await repo.commit("extract prompts");
  await cli("publish", "-m", "extracted from code");
  for (const prompt of listed.prompts) await cli("activate", `${prompt.id}@1`, "--env", "production");
  return listed.prompts.map((prompt) => ({
    ...prompt,
    call: { ...prompt.call, file: join(repo.root, prompt.call.file) },
  }));
}

type ListedPrompt = Pick<ExtractedPrompt, "id" | "shape" | "functionName" | "rewriteBlockers"> & {
  call: { file: string };
};

const METHOD = {
  "openai-chat": "messages",
  "anthropic-messages": "anthropic",
  "openai-responses": "responses",
};

/** Every rewritten call renders its prompt by id; nothing of the inline prompt is left at the call. */
function expectRewritten(prompts: readonly ListedPrompt[]): void {
  for (const prompt of prompts) {
    const { source, call } = sdkCallIn(prompt.call.file, prompt.functionName!.split(".").at(-1)!);
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

    const prompts = await extractAndPublish(repo);
    expect(prompts.map((p) => [p.functionName, p.rewriteBlockers])).toEqual(
      [
        "classifyMessage",
        "friendlier",
        "answerSupportQuestion",
        "RefundDesk.explainRefund",
        "summarizeTicket",
      ].map((f) => [f, []]),
    );
    expectRewritten(prompts);
    for (const file of ["src/not-extractable.ts", "src/main.ts", "src/voice.ts"])
      unchanged("ts-app", repo.root, file);

    expect((await tsc(repo.root, "--noEmit")).output).toBe("");
    expect((await tsc(repo.root)).output).toBe("");
    expect(await requestsOf(repo, "dist/main.js")).toEqual(before);
  }, 180_000);

  it("the JavaScript worker (ESM and a CommonJS module): its five requests are unchanged, a missing value included", async () => {
    requireBuild();
    await using repo = await appRepo("js-app");
    const before = await requestsOf(repo, "src/main.js");
    expect(before).toHaveLength(5);
    // The worker writes a missing ticket body as JavaScript does; the rewritten one must too.
    expect(before.join("\n")).toContain("Body: undefined");

    const prompts = await extractAndPublish(repo);
    expect(prompts.map((p) => [p.functionName, p.rewriteBlockers])).toEqual(
      ["detectLanguage", "triageTicket", "draftReply"].map((f) => [f, []]),
    );
    expectRewritten(prompts);
    unchanged("js-app", repo.root, "src/main.js");

    expect(await requestsOf(repo, "src/main.js")).toEqual(before);
  }, 180_000);
});
