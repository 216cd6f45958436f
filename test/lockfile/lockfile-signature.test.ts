import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lockfile/lockfile.js";
import { type SigningKey, signLockfile, trustedKey } from "../../src/lockfile/lockfile-signature.js";
import { lockfileToWrite } from "../../src/lockfile/lockfile-to-write.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { buildLockfile, newSigningKey } from "./lockfile-fixtures.js";

const release = newSigningKey();
const trusted = trustedKey(release.publicPem, "the test's public key");
const FILE = "promptops.lock";

/** The lockfile text a release pipeline signs and ships. */
function signedText(key: SigningKey = release): string {
  const content = buildLockfile({ production: { "support-agent": 2 }, staging: { "support-agent": 3 } });
  return lockfileToWrite(content, undefined, key).text;
}

const parseTrusted = (text: string) => parseLockfile(text, FILE, { publicKey: trusted });

describe("a signed lockfile", () => {
  it("carries an Ed25519 signature of the key's id, and parses when checked against that key", () => {
    const text = signedText();
    const lockfile = parseTrusted(text);
    expect(lockfile.signature).toEqual({
      alg: "ed25519",
      keyId: release.keyId,
      value: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    });
    expect(release.keyId).toMatch(/^[0-9a-f]{16}$/);
    // Without a key to check against it is an ordinary lockfile.
    expect(parseLockfile(text, FILE).environments.production?.["support-agent"]?.version).toBe(2);
  });

  it("still verifies after a formatter reorders its keys and re-indents it (canonical JSON is signed)", () => {
    const data = JSON.parse(signedText()) as Record<string, unknown>;
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([key, item]) => [key, reversed(item)]),
      );
    };
    const reformatted = JSON.stringify(reversed(data), null, 4).replaceAll("\n", "\r\n");
    expect(reformatted.indexOf('"signature"')).toBeLessThan(reformatted.indexOf('"lockfileVersion"'));
    expect(parseTrusted(reformatted).signature?.keyId).toBe(release.keyId);
    // Escaping a character differently is not a change of content either.
    const escaped = signedText().replace('"gpt-4o-mini"', '"gpt\\u002d4o-mini"');
    expect(escaped).not.toBe(signedText());
    expect(parseTrusted(escaped).signature?.keyId).toBe(release.keyId);
  });

  it("is refused when one character of it was changed by someone without the key", () => {
    const text = signedText();
    // A hand edit that keeps every content hash right: who activated it, and why.
    const edited = text.replace('"activatedBy": "Ann <ann@acme.io>"', '"activatedBy": "Bnn <ann@acme.io>"');
    expect(edited).not.toBe(text);
    const error = expectPromptOpsError(() => parseTrusted(edited), {
      code: "lockfile-signature-invalid",
      exitCode: 1,
      message: `${FILE} was changed by someone without the key: its signature (key ${release.keyId}) does not match its content`,
    });
    expect(error.location).toMatchObject({ file: FILE, line: expect.any(Number) });
    // Even a version number moved to another environment's: the signature covers every value.
    const moved = text.replace('"version": 2', '"version": 3');
    expectPromptOpsError(() => parseTrusted(moved), { code: "lockfile-signature-invalid" });
  });

  it("is refused when unsigned, naming the key it must be signed with", () => {
    const unsigned = serializeLockfile(buildLockfile({ production: { "support-agent": 2 } }));
    const error = expectPromptOpsError(() => parseTrusted(unsigned), {
      code: "lockfile-unsigned",
      exitCode: 1,
      message: `only lockfiles signed with key ${release.keyId} are accepted`,
    });
    expect(error.hint).toContain("promptops lock --sign");
  });

  it("is refused when signed with another key, and the message names both key ids", () => {
    const other = newSigningKey();
    const error = expectPromptOpsError(() => parseTrusted(signedText(other)), {
      code: "lockfile-wrong-key",
      message: `signed with key ${other.keyId}, but the trusted key is ${release.keyId}`,
    });
    expect(error.hint).toContain("rotated");
  });

  it("is refused when its signature was copied from another lockfile signed by the same key", () => {
    const stolen = JSON.parse(signedText()).signature;
    const otherContent = buildLockfile({ production: { "support-agent": 1 } });
    const forged = serializeLockfile({ ...otherContent, signature: stolen });
    expectPromptOpsError(() => parseTrusted(forged), { code: "lockfile-signature-invalid" });
  });

  it("is refused with a signature field that is not one promptops writes", () => {
    const data = JSON.parse(signedText());
    data.signature = { alg: "rsa", keyId: release.keyId, value: data.signature.value };
    expectPromptOpsError(() => parseTrusted(JSON.stringify(data)), { code: "lockfile-signature-invalid" });
    data.signature = "trust me";
    expectPromptOpsError(() => parseTrusted(JSON.stringify(data)), { code: "lockfile-signature-invalid" });
    // A number JSON.parse reads as Infinity cannot have been signed: a bad signature, not a crash.
    const infinite = signedText().replace('"temperature": 0.2', '"temperature": 1e999');
    expectPromptOpsError(() => parseTrusted(infinite), { code: "lockfile-signature-invalid" });
  });
});

describe("the key a reader trusts", () => {
  it("is the same from PEM text and from a KeyObject", () => {
    expect(trustedKey(release.publicKey, "k").keyId).toBe(release.keyId);
  });

  it("refuses a private key, without quoting it", () => {
    for (const key of [release.pem, release.key]) {
      const error = expectPromptOpsError(() => trustedKey(key, "loadPrompts' publicKey"), {
        code: "signing-key-invalid",
        exitCode: 2,
        message: "loadPrompts' publicKey is a private key",
      });
      expect(`${error.message} ${error.hint}`).not.toContain(release.pem.split("\n")[1]!.slice(0, 20));
    }
  });

  it("refuses text that is not a key, and keys that are not Ed25519", () => {
    expectPromptOpsError(() => trustedKey("not a key", "k"), {
      code: "signing-key-invalid",
      message: "k is not a PEM public key",
    });
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expectPromptOpsError(() => trustedKey(publicKey, "k"), {
      code: "signing-key-invalid",
      message: "k is a ec key, not an Ed25519 key",
    });
  });
});

describe("what a write does to the signature", () => {
  const v2 = buildLockfile({ production: { "support-agent": 2 } });
  const v3 = buildLockfile({ production: { "support-agent": 3 } });
  const signedV2 = JSON.parse(lockfileToWrite(v2, undefined, release).text);

  it("signs with the key given, the same bytes every time (Ed25519 is deterministic)", () => {
    const first = lockfileToWrite(v3, signedV2, release);
    expect(first.signedWith).toBe(release.keyId);
    expect(lockfileToWrite(v3, signedV2, release).text).toBe(first.text);
    expect(first.lockfile.signature).toEqual(signLockfile(v3, release));
  });

  it("without a key, keeps the signature over unchanged content and drops it when content changes", () => {
    const same = lockfileToWrite(v2, signedV2, undefined);
    expect(same.lockfile.signature).toEqual(signedV2.signature);
    expect(same.droppedSignature).toBeUndefined();

    const changed = lockfileToWrite(v3, signedV2, undefined);
    expect(changed.lockfile.signature).toBeUndefined();
    expect(changed.text).not.toContain('"signature"');
    expect(changed.droppedSignature).toBe(release.keyId);
  });

  it("never carries over a signature field that is not one promptops writes", () => {
    const odd = { ...signedV2, signature: { ...signedV2.signature, keyId: "not hex", extra: 1 } };
    const written = lockfileToWrite(v2, odd, undefined);
    expect(written.lockfile.signature).toBeUndefined();
    expect(() => parseLockfile(written.text, FILE)).not.toThrow();
  });
});
