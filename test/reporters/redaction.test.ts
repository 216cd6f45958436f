import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, rememberSecrets, secretsInEnv } from "../../src/redact-secrets.js";
import { createReporters } from "../../src/reporters/create-reporters.js";
import { formatGithubAnnotations } from "../../src/reporters/github-reporter.js";
import { formatJsonReport } from "../../src/reporters/json-reporter.js";
import { formatJunitReport } from "../../src/reporters/junit-reporter.js";
import { formatMarkdownSummary } from "../../src/reporters/markdown-summary.js";
import {
  ANTHROPIC_KEY,
  failed,
  fakeStream,
  OPENAI_KEY,
  runResults,
  type TempDir,
  tempDir,
} from "./fixtures.js";

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

const looksLikeKey = /sk-[A-Za-z0-9_-]{16,}/;

describe("reports never carry anything that looks like an API key", () => {
  // The fixtures hold an Anthropic key in an error after a newline and an OpenAI key in a reply.
  const withKeyInMessage = {
    ...failed,
    assertions: [{ type: "equals", pass: false, score: 0, message: `expected "ok", found "${OPENAI_KEY}"` }],
  };
  const results = runResults([...runResults().results, withKeyInMessage]);

  it.each([
    ["json", formatJsonReport(results)],
    ["junit", formatJunitReport(results)],
    ["markdown", formatMarkdownSummary(results)],
    ["github", formatGithubAnnotations(results.results, { projectRoot: "/r", from: "/r" }).join("\n")],
  ])("%s", (_name, text) => {
    expect(text).not.toMatch(looksLikeKey);
    expect(text).toContain("redacted");
  });

  it("pretty, and every file and stream the reporters write", async () => {
    dir = tempDir();
    const stdout = fakeStream(false);
    const summaryFile = join(dir.path, "summary.md");
    const reporters = createReporters(["pretty", "github", "junit", "json", "markdown"], {
      stdout: stdout.stream,
      env: { GITHUB_STEP_SUMMARY: summaryFile },
      outputDir: "out",
      projectRoot: dir.path,
      cwd: dir.path,
    });
    for (const c of results.results) {
      reporters[0]!.onCaseFinished?.(c, { done: 1, total: 1, passed: 0, failed: 0, errors: 0 });
    }
    for (const r of reporters) await r.finish(results);
    const files = ["summary.md", "out/results.json", "out/junit.xml", "out/report.md"];
    for (const text of [stdout.text(), ...files.map((f) => readFileSync(join(dir!.path, f), "utf8"))]) {
      expect(text).not.toMatch(looksLikeKey);
    }
    expect(stdout.text()).toContain(REDACTED);
  });

  it("leaves ordinary words with sk- alone", () => {
    expect(redactSecrets("risk-assessment-for-customers and task-management-dashboard")).toBe(
      "risk-assessment-for-customers and task-management-dashboard",
    );
    expect(redactSecrets(`Bearer ${ANTHROPIC_KEY}.`)).toBe(`Bearer ${REDACTED}.`);
  });
});

describe("one redaction policy for every key promptops may meet", () => {
  it.each([
    ["OpenAI", "sk-Abc123def456GHI789jkl012MNO345", `${REDACTED}`],
    ["OpenAI project", "sk-proj-Abc123_def456-GHI789jklMNO", `${REDACTED}`],
    ["Anthropic", "sk-ant-api03-ZyX987_wvu654-TSR321qpo", `${REDACTED}`],
    ["Google", "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", "[redacted]"],
    ["an Azure key in its header", "api-key: 0123456789abcdef0123456789ABCDEF", "api-key: [redacted]"],
    ["an api-key header", "api-key: 3kQ9zR7pX2mW8vT4", "api-key: [redacted]"],
    ["an api_key in JSON", '"api_key": "3kQ9zR7pX2mW8vT4"', '"api_key": "[redacted]"'],
    [
      "a bearer token",
      "Authorization: Bearer eyJhbGciOi.eyJzdWIi.SflKxwRJ",
      "Authorization: Bearer [redacted]",
    ],
  ])("%s", (_name, secret, shown) => {
    expect(redactSecrets(`before ${secret} after`)).toBe(`before ${shown} after`);
  });

  it("the exact values of the keys the run uses, whatever their shape", () => {
    const key = "acme-7Hq2Rk9mPz4Wx-no-known-shape";
    expect(redactSecrets(`echo ${key}`)).toBe(`echo ${key}`);
    rememberSecrets(secretsInEnv({ ACME_API_KEY: key, HOME: "/home/ada", TOKEN_MODE: "production" }));
    expect(redactSecrets(`echo ${key}; home /home/ada, production`)).toBe(
      "echo [redacted]; home /home/ada, production",
    );
    expect(redactSecrets("a custom one: x9-custom-value", ["x9-custom-value"])).toBe(
      "a custom one: [redacted]",
    );
  });

  it("leaves hashes, request ids and ordinary words alone", () => {
    const ordinary = [
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
      "req_0123456789abcdef0123456789abcdef",
      "md5 d41d8cd98f00b204e9800998ecf8427e",
      "use sk-learn-models, not a Bearer token",
    ].join("\n");
    expect(redactSecrets(ordinary)).toBe(ordinary);
  });
});

describe("a signing key pasted into a reply or an error", () => {
  it("is hidden whole, the PEM markers kept so that a reader sees one was there", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const body = pem.split("\n")[1]!;
    const text = redactSecrets(`the model said: ${pem} and went on`);
    expect(text).not.toContain(body);
    expect(text).toBe(
      "the model said: -----BEGIN PRIVATE KEY-----[redacted]-----END PRIVATE KEY-----\n and went on",
    );
  });
});
