import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SigningKey } from "../../src/lockfile/lockfile-signature.js";
import { lockfileToWrite } from "../../src/lockfile/lockfile-to-write.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts, type PromptRegistry } from "../../src/runtime/index.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import {
  buildLockfile,
  makeTempDir,
  newSigningKey,
  replaceAtomically,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

const release = newSigningKey();
const content = (version: number) => buildLockfile({ production: { "support-agent": version } });
const signed = (version: number, key: SigningKey = release) =>
  lockfileToWrite(content(version), undefined, key).text;

let dir: TempDir;
let registry: PromptRegistry | undefined;
beforeEach(() => {
  dir = makeTempDir("promptops-signed-watch-");
});
afterEach(() => {
  registry?.close();
  dir.cleanup();
});

describe("loadPrompts with publicKey", () => {
  it("takes a KeyObject or PEM text, and refuses a private key before reading anything", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, signed(1));
    registry = await loadPrompts({ lockfile: file, env: "production", publicKey: release.publicKey });
    expect(registry.get("support-agent").version).toBe(1);
    registry.close();
    const pem = release.publicKey.export({ type: "spki", format: "pem" }).toString();
    registry = await loadPrompts({ lockfile: file, env: "production", publicKey: pem });
    expect(registry.get("support-agent").version).toBe(1);

    await expectPromptOpsRejection(
      loadPrompts({ lockfile: file, env: "production", publicKey: release.key }),
      { code: "signing-key-invalid", message: "loadPrompts' publicKey is a private key" },
    );
  });

  it("with watch, never lets an unsigned, wrongly signed or edited lockfile replace the good one", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, signed(1));
    const errors: Error[] = [];
    const reloads: string[][] = [];
    registry = await loadPrompts({
      lockfile: file,
      env: "production",
      watch: true,
      publicKey: release.publicKey,
      onError: (error) => errors.push(error),
      onReload: ({ changed }) => reloads.push(changed),
    });
    const stranger = newSigningKey();
    const bad: Array<[string, string]> = [
      [serializeLockfile(content(2)), "lockfile-unsigned"],
      [signed(3, stranger), "lockfile-wrong-key"],
      [signed(4).replace("Ann <ann@acme.io>", "Ann <eve@acme.io>"), "lockfile-signature-invalid"],
    ];
    for (const [text, code] of bad) {
      const seen = errors.length;
      replaceAtomically(file, text);
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(seen);
      expect(errors.at(-1)).toMatchObject({ code });
      expect(registry.get("support-agent").version).toBe(1);
    }
    expect(errors.at(-2)?.message).toContain(
      `signed with key ${stranger.keyId}, but the trusted key is ${release.keyId}`,
    );

    replaceAtomically(file, signed(5));
    await expect.poll(() => registry!.get("support-agent").version, { timeout: 10_000 }).toBe(5);
    expect(reloads).toEqual([["support-agent"]]);
  });

  it("while a key is rotated, accepts a lockfile signed by any key of the list, and names them all otherwise", async () => {
    const file = dir.path("promptops.lock");
    const next = newSigningKey();
    writeFileSync(file, signed(1));
    const errors: Error[] = [];
    registry = await loadPrompts({
      lockfile: file,
      env: "production",
      watch: true,
      publicKey: [release.publicKey, next.publicPem],
      onError: (error) => errors.push(error),
    });
    expect(registry.get("support-agent").version).toBe(1);
    replaceAtomically(file, signed(2, next));
    await expect.poll(() => registry!.get("support-agent").version, { timeout: 10_000 }).toBe(2);

    const stranger = newSigningKey();
    replaceAtomically(file, signed(3, stranger));
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(1);
    expect(errors[0]!.message).toContain(
      `signed with key ${stranger.keyId}, but the trusted keys are ${release.keyId}, ${next.keyId}`,
    );
    expect(registry.get("support-agent").version).toBe(2);
    await expectPromptOpsRejection(loadPrompts({ lockfile: file, env: "production", publicKey: [] }), {
      code: "signing-key-invalid",
    });
  });
});
