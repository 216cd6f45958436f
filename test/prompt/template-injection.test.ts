import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Lockfile } from "../../src/lockfile/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { hashCompiledPrompt } from "../../src/prompt/hash.js";
import type { CompiledPrompt } from "../../src/prompt/prompt-file.js";
import { renderDraft } from "../../src/prompt/render-draft.js";
import { loadPrompts } from "../../src/runtime/index.js";
import { versionTagMessage } from "../../src/versions/version-tag.js";
import { expectPromptOpsError, expectPromptOpsRejection } from "../helpers/expect-error.js";
import { checkCase, INJECTION_CASE, INJECTION_FILE } from "../helpers/golden-cases.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

/**
 * The corpus of public template-injection payloads (test/fixtures/template-injection/*.yaml), in
 * every place a template is evaluated: `validate`, `render`, `test` (draft and --baseline) and an
 * application's `loadPrompts` on a forged lockfile. Each payload tries to write its own marker
 * file, directly or by spawning `touch`; none may exist afterwards.
 */
interface Payload {
  file: string;
  name: string;
  /** The prompt id that carries it, and its marker file. */
  id: string;
  marker: string;
  template: string;
}

const markers = mkdtempSync(join(tmpdir(), "promptops-injection-"));
const dir = new URL("../fixtures/template-injection/", import.meta.url);
const payloads: Payload[] = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((file) => {
    const corpus = parse(readFileSync(new URL(file, dir), "utf8"));
    checkCase(corpus, INJECTION_FILE, file);
    return (corpus as { cases: Array<{ name: string; template: string }> }).cases.map((c, index) => {
      checkCase(c, INJECTION_CASE, `${file}[${index}]`);
      return { file, name: c.name, template: c.template };
    });
  })
  .map((payload, i) => {
    const marker = join(markers, `marker-${i}`);
    return { ...payload, id: `p${i}`, marker, template: payload.template.replaceAll("MARKER", marker) };
  });

const VARIABLES = {
  name: { type: "string", default: "Ann" },
  items: { type: "array", default: ["a", "b"] },
  obj: { type: "object", default: { a: 1 } },
};
/** The line of the prompt file that holds the template (1-based). */
const TEMPLATE_LINE = 7;

function promptFile(template: string): string {
  return [
    "variables:",
    "  name: { type: string, default: Ann }",
    "  items: { type: array, default: [a, b] }",
    "  obj: { type: object, default: { a: 1 } }",
    "messages:",
    "  - role: user",
    `    content: ${JSON.stringify(template)}`,
    "tests:",
    "  - name: payload",
    "    assert:",
    "      - contains: x",
    "",
  ].join("\n");
}

/** The versioned content of promptFile(template), as `lock` writes it and its hash covers. */
function compiledContent(template: string): CompiledPrompt {
  return { messages: [{ role: "user", content: template }], variables: VARIABLES } as CompiledPrompt;
}

function executed(): string[] {
  const written = new Set(readdirSync(markers));
  return payloads
    .filter((p) => written.has(`marker-${payloads.indexOf(p)}`))
    .map((p) => `${p.file}: ${p.name}`);
}

function projectFiles(template: (payload: Payload) => string): Record<string, string> {
  const files: Record<string, string> = { "promptops.config.yaml": "providers: [echo]\n" };
  for (const payload of payloads) files[`prompts/${payload.id}.prompt.yaml`] = template(payload);
  return files;
}

afterAll(() => rmSync(markers, { recursive: true, force: true }));

it("the corpus holds at least 40 payloads, each aimed at its own marker file", () => {
  expect(payloads.length).toBeGreaterThanOrEqual(40);
  for (const payload of payloads) expect(payload.template).toContain(payload.marker);
});

describe("a prompt file carrying an injection payload", () => {
  let project: ProjectDir;
  beforeAll(() => {
    project = makeProjectDir(projectFiles((p) => promptFile(p.template)));
  });
  afterAll(() => project.cleanup());
  afterEach(() => expect(executed()).toEqual([]));

  it("is reported by validate at its file, line and column", async () => {
    const result = await runCli(["validate", "--json"], { cwd: project.root });
    expect(result.code).toBe(1);
    const { diagnostics } = JSON.parse(result.stdout) as {
      diagnostics: Array<{ file: string; line: number; col: number; code: string; hint?: string }>;
    };
    const unreported = payloads.filter(
      (p) =>
        !diagnostics.some(
          (d) =>
            d.file === `prompts/${p.id}.prompt.yaml` &&
            d.code === "template-unsafe" &&
            d.line === TEMPLATE_LINE &&
            d.col > "    content: ".length &&
            d.hint,
        ),
    );
    expect(unreported.map((p) => `${p.file}: ${p.name}`)).toEqual([]);
  });

  it.each(payloads)("is refused by render: $file: $name", (payload) => {
    expectPromptOpsError(
      () => renderDraft({ cwd: project.root, id: payload.id, vars: {}, assignments: [] }),
      {
        exitCode: 1,
      },
    );
  });

  it("is refused by test with the offline echo provider, before any case runs", async () => {
    const result = await runCli(["test", "--no-cache"], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot test invalid prompts");
    const refused = result.stderr.split("\n")[0]!;
    expect(payloads.filter((p) => !new RegExp(`\\b${p.id}\\b`).test(refused)).map((p) => p.name)).toEqual([]);
  });
});

describe("a published version carrying an injection payload", () => {
  let repo: TempRepo;
  let published: string;
  beforeAll(async () => {
    // As an attacker with push access would: tags whose Prompt-Hash matches the payload content.
    repo = await makeTempRepo();
    for (const [path, text] of Object.entries(projectFiles((p) => promptFile(p.template))))
      await repo.write(path, text);
    published = await repo.commit("prompts");
    for (const payload of payloads) {
      const hash = hashCompiledPrompt(compiledContent(payload.template));
      await repo.git(
        "tag",
        "-a",
        `prompt/${payload.id}/v1`,
        "-m",
        versionTagMessage("", payload.id, 1, hash),
      );
    }
    // The drafts are harmless: only the baseline carries the payloads.
    for (const [path, text] of Object.entries(projectFiles(() => promptFile("Hello {{ name }}"))))
      await repo.write(path, text);
    await repo.commit("harmless drafts");
  }, 60_000);
  afterAll(() => repo.cleanup());

  it("is refused by test --baseline with the echo provider", async () => {
    const result = await runCli(["test", "--no-cache", "--baseline", "v1", "--reporter", "json"], {
      cwd: repo.root,
    });
    expect(executed()).toEqual([]);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toContain("not allowed");
  });

  it("is reported by lock --check and verify when a lockfile activates it", async () => {
    await repo.write("promptops.lock", forgedLockfile(payloads, published));
    for (const command of [["lock", "--check"], ["verify"]]) {
      const result = await runCli(command, { cwd: repo.root });
      const output = `${result.stdout}\n${result.stderr}`;
      const unreported = payloads.filter((p) => !output.includes(`production: ${p.id} v1: template line`));
      expect({ command, code: result.code, unreported: unreported.map((p) => p.name) }).toEqual({
        command,
        code: 1,
        unreported: [],
      });
    }
    expect(executed()).toEqual([]);
  });
});

/** A lockfile activating each payload as v1 in production, hashes correct: what an attacker can write. */
function forgedLockfile(forged: Payload[], commit = "0123456789abcdef0123456789abcdef01234567"): string {
  const lockfile: Lockfile = { lockfileVersion: 1, environments: { production: {} }, prompts: {} };
  for (const payload of forged) {
    const compiled = compiledContent(payload.template);
    const hash = hashCompiledPrompt(compiled);
    lockfile.environments.production![payload.id] = {
      version: 1,
      hash,
      commit,
      activatedAt: "2026-11-20T09:12:00Z",
      activatedBy: "Mallory <mallory@example.test>",
      previous: null,
    };
    lockfile.prompts[hash] = { ...compiled, id: payload.id, version: 1 };
  }
  return serializeLockfile(lockfile);
}

describe("a lockfile entry forged with a correct hash", () => {
  afterEach(() => expect(executed()).toEqual([]));

  it.each(payloads)(
    "is refused by loadPrompts before anything is rendered: $file: $name",
    async (payload) => {
      const folder = mkdtempSync(join(tmpdir(), "promptops-forged-"));
      try {
        const lockfile = join(folder, "promptops.lock");
        writeFileSync(lockfile, forgedLockfile([payload]));
        await expectPromptOpsRejection(
          async () => {
            // An application that got a registry would render next: do so, as it would.
            const prompts = await loadPrompts({ lockfile, env: "production" });
            prompts.messages(payload.id);
          },
          { code: "template-unsafe", location: { file: lockfile } },
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
