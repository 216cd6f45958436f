import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTests } from "../../src/regression/run-tests.js";
import { manyTestsPrompt, RUNNER_PROJECT_DIR } from "../fixtures/runner/runner-project.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// A pull request's CI runs `promptops test --since origin/main`: only what the change can affect.
// The story project (greeting includes partials/tone.njk; refund includes nothing) plus
// `escalation`, which includes partials/outer.njk, which includes partials/inner.njk.
let repo: TempRepo;
let base: string;

beforeEach(async () => {
  repo = await makeTempRepo();
  await cp(RUNNER_PROJECT_DIR, repo.root, { recursive: true });
  await repo.write("prompts/partials/inner.njk", "Never promise dates.\n");
  await repo.write("prompts/partials/outer.njk", 'Escalate politely.\n{% include "partials/inner.njk" %}\n');
  await repo.write(
    "prompts/escalation.prompt.yaml",
    `messages:
  - role: system
    content: '{% include "partials/outer.njk" %}'
  - role: user
    content: "{{ issue }}"
variables:
  issue: { type: string }
tests:
  - name: keeps the issue
    vars: { issue: the API is down }
    assert:
      - contains: the API is down
`,
  );
  base = await repo.commit("Add prompts");
});
afterEach(() => repo.cleanup());

async function promptsRunSince(ref: string): Promise<string[]> {
  const run = await runTests({ cwd: repo.root, ids: [], providers: ["echo"], since: ref });
  expect(run.summary.errors).toBe(0);
  return [...new Set(run.results.map((r) => r.prompt))].sort();
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  const file = join(repo.root, path);
  await writeFile(file, change(await readFile(file, "utf8")));
}

describe("promptops test --since <ref>", () => {
  it("runs nothing when nothing changed since the ref", async () => {
    expect(await promptsRunSince(base)).toEqual([]);
  });

  it("runs only the prompts whose file changed, committed or not", async () => {
    await edit("prompts/refund.prompt.yaml", (text) => text.replace("30 days", "14 days"));
    expect(await promptsRunSince(base)).toEqual(["refund"]);
    await repo.commit("Shorter refund window");
    expect(await promptsRunSince(base)).toEqual(["refund"]);
    expect(await promptsRunSince("HEAD")).toEqual([]);
  });

  it("runs the prompts that include a changed partial, directly or through another partial", async () => {
    await edit("prompts/partials/tone.njk", (text) => `${text}Use the customer's first name.\n`);
    expect(await promptsRunSince(base)).toEqual(["greeting"]);
    await edit("prompts/partials/inner.njk", () => "Never promise dates or credits.\n");
    expect(await promptsRunSince(base)).toEqual(["escalation", "greeting"]);
  });

  it("counts a prompt not yet committed as changed", async () => {
    await repo.write("prompts/brand-new.prompt.yaml", manyTestsPrompt(2));
    expect(await promptsRunSince(base)).toEqual(["brand-new"]);
  });

  it("refuses a ref git does not know, as a usage error", async () => {
    const error = await expectPromptOpsRejection(
      runTests({
        cwd: repo.root,
        ids: [],
        providers: ["echo"],
        since: "no-such-branch",
      }),
    );
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain("no-such-branch");
  });
});
