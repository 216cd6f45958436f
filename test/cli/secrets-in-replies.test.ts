import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { echoLastUserMessage, type FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { asking, copyRunnerProject, filesUnder } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first) against endpoints that echo the caller's key back, in 200
// replies and in errors, and an exec command that prints its key on stderr. Two keys: one shaped
// like an OpenAI key, one with no recognisable shape, only redacted because the run uses it.
const OPENAI_KEY = "sk-proj-EchoedBack0123456789abcdefXYZ";
const ACME_KEY = "acme-live-7Hq2Rk9mPz4Wx-unshaped";

const server = fakeProviderServerPerFile();
let project: ProjectDir;

const presentedKey = (request: FakeRequest) =>
  String(request.headers.authorization ?? "").replace(/^Bearer /, "");

beforeEach(() => {
  project = copyRunnerProject({
    "promptops.config.yaml": `promptsDir: prompts
providers:
  - openai:gpt-4o-mini
  - { id: acme, kind: openai-compatible, model: acme-1, baseURL: "${server.openaiBaseURL}", apiKeyEnv: ACME_LLM_KEY }
  - { id: leaky-exec, kind: exec, model: leak, command: '${JSON.stringify(process.execPath)} leak.mjs' }
test: { retries: 0 }
`,
    // An exec provider that reports its failure with the key it was given.
    "leak.mjs": `console.error("auth failed for key " + process.env.ACME_LLM_KEY); process.exit(1);`,
  });
  // Every 200 reply repeats the request's credentials, as a debugging proxy or a model might.
  server.reply = (request) =>
    `${echoLastUserMessage(request)} (Authorization: ${request.headers.authorization}; key ${presentedKey(request)})`;
});
afterEach(() => project.cleanup());

describe("keys echoed by providers are never stored", () => {
  it("in no report, cache entry or run record, and not on the terminal", async () => {
    for (const rule of [OPENAI_KEY, ACME_KEY])
      server.faultWhen((r) => asking("order 4711")(r) && presentedKey(r) === rule, {
        status: 400,
        message: `Invalid key: ${rule}`,
      });
    const env = {
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: server.openaiBaseURL,
      ACME_LLM_KEY: ACME_KEY,
    };
    const args = ["test", "--reporter", "pretty", "--reporter", "json", "--reporter", "junit"];
    const result = await runCli([...args, "--reporter", "markdown", "--output-dir", "reports"], {
      cwd: project.root,
      env,
    });
    const report: RunResults = JSON.parse(
      filesUnder(join(project.root, "reports")).find((f) => f.path.endsWith(".json"))!.text,
    );
    // The faults really happened and the replies really carried the keys.
    expect(report.summary.total).toBe(18);
    const byProvider = (id: string) => report.results.filter((r) => r.provider === id);
    expect(byProvider("leaky-exec").every((r) => r.status === "error")).toBe(true);
    expect(byProvider("leaky-exec")[0]!.error).toContain("auth failed for key [redacted]");
    expect(byProvider("acme").find((r) => r.test === "keeps the order number")!.error).toContain(
      "Invalid key: [redacted]",
    );
    for (const id of ["acme", "openai:gpt-4o-mini"])
      expect(byProvider(id)[0]!.output).toContain("(Authorization: Bearer [redacted]; key [redacted])");
    expect(server.stats.total).toBe(12);

    const stored = [
      ...filesUnder(join(project.root, "reports")),
      ...filesUnder(join(project.root, ".promptops", "cache")),
      ...filesUnder(join(project.root, ".promptops", "runs")),
    ];
    expect(stored.filter((f) => f.path.includes("cache")).length).toBeGreaterThan(0);
    expect(stored.filter((f) => f.path.includes("runs")).length).toBe(1);
    for (const { path, text } of [
      ...stored,
      { path: "stdout", text: result.stdout },
      { path: "stderr", text: result.stderr },
    ]) {
      expect(text, path).not.toContain(OPENAI_KEY);
      expect(text, path).not.toContain(ACME_KEY);
    }
  });
});
