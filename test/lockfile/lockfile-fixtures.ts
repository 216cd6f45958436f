import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Lockfile, type LockfileEntry, lockedPrompt } from "../../src/lockfile/lockfile.js";
import { keyIdOf, type SigningKey } from "../../src/lockfile/lockfile-signature.js";
import { hashCompiledPrompt } from "../../src/prompt/hash.js";
import type { CompiledPrompt } from "../../src/prompt/prompt-file.js";

export const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/** A support-agent-like prompt whose text names its version, so every version has its own hash. */
export function supportAgent(version: number): CompiledPrompt {
  return {
    model: { provider: "openai", name: "gpt-4o-mini", params: { temperature: 0.2, max_tokens: 400 } },
    variables: {
      userMessage: { type: "string", minLength: 1, maxLength: 4000 },
      customer: {
        type: "object",
        properties: { name: { type: "string" }, plan: { enum: ["free", "pro", "enterprise"] } },
        required: ["name", "plan"],
        additionalProperties: false,
      },
      history: { type: "messages", default: [] },
    },
    messages: [
      {
        role: "system",
        content:
          "You are Ava (prompt v" +
          version +
          "), talking to {{ customer.name }}.\n" +
          '{% if customer.plan == "enterprise" %}Offer their account manager.{% else %}Point to status.acme.cloud.{% endif %}',
      },
      { placeholder: "history" },
      { role: "user", content: "{{ userMessage }}" },
    ],
  };
}

export interface ActiveVersion {
  version: number;
  content?: CompiledPrompt;
  entry?: Partial<LockfileEntry>;
}

/**
 * A valid lockfile from `{ env: { id: version } }`: content defaults to supportAgent(version), and
 * hashes are computed the way promptops computes them.
 */
export function buildLockfile(spec: Record<string, Record<string, number | ActiveVersion>>): Lockfile {
  const lockfile: Lockfile = { lockfileVersion: 1, environments: {}, prompts: {} };
  for (const [env, prompts] of Object.entries(spec)) {
    const entries: Record<string, LockfileEntry> = {};
    for (const [id, given] of Object.entries(prompts)) {
      const {
        version,
        content = supportAgent(version),
        entry = {},
      } = typeof given === "number" ? { version: given } : given;
      const hash = hashCompiledPrompt(content);
      lockfile.prompts[hash] = lockedPrompt(id, version, content);
      entries[id] = {
        version,
        hash,
        commit: COMMIT,
        activatedAt: "2026-11-20T09:12:00Z",
        activatedBy: "Ann <ann@acme.io>",
        ...entry,
      };
    }
    lockfile.environments[env] = entries;
  }
  return lockfile;
}

export interface TempDir {
  root: string;
  path(name: string): string;
  cleanup(): void;
}

export function makeTempDir(prefix = "promptops-lockfile-"): TempDir {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    path: (name) => join(root, name),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Replaces a file the way promptops and deploy tools do: a temp file beside it, renamed over it. */
export function replaceAtomically(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

/** Child processes and the CommonJS consumer use the build output: the suite runs after `npm run build`. */
export function requireBuild(): void {
  if (
    !existsSync(join(DIST, "runtime", "index.js")) ||
    !existsSync(join(DIST, "schemas", "generated", "lockfile-validator.js"))
  )
    throw new Error("dist/ is missing: run `npm run build` before these tests");
}

/** A fresh Ed25519 key pair as promptops signs with it, and both halves as PEM text. */
export function newSigningKey(): SigningKey & { pem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    key: privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
