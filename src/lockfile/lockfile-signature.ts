import { createHash, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import { PromptOpsError, type SourceLocation } from "../errors.js";
import { canonicalJson } from "../prompt/hash.js";

// Signed lockfiles (DESIGN.md section 7). The runtime imports this module: it needs node:crypto
// and nothing else, so applications that bundle the runtime keep bundling it.

/** The top-level `signature` of a signed lockfile. */
export interface LockfileSignature {
  alg: "ed25519";
  /** First 16 hex digits of the SHA-256 of the public key's DER (SPKI) bytes. */
  keyId: string;
  /** The Ed25519 signature of `signedBytes(lockfile)`, base64. */
  value: string;
}

/** A public key the reader trusts, with the id that names it in messages. */
export interface TrustedKey {
  key: KeyObject;
  keyId: string;
}

/** A private key that signs, with its public half and that half's id. */
export interface SigningKey {
  key: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/**
 * What is signed: the canonical JSON (sorted keys, no whitespace; as content hashes are made) of
 * the lockfile without its `signature`, in UTF-8. A formatter that reorders keys or re-indents the
 * file changes no signed byte; any change of a value does.
 */
export function signedBytes(lockfile: unknown): Buffer {
  const { signature: _signature, ...rest } = lockfile as Record<string, unknown>;
  return Buffer.from(canonicalJson(rest), "utf8");
}

export function signLockfile<T extends object>(lockfile: T, signer: SigningKey): LockfileSignature {
  return {
    alg: "ed25519",
    keyId: signer.keyId,
    value: sign(null, signedBytes(lockfile), signer.key).toString("base64"),
  };
}

/**
 * A public key to check signatures with, from PEM text (a `.pub` file written by `promptops keygen`)
 * or a KeyObject. Refuses a private key: an application holds only the public half.
 * `source` says where the key came from, for messages; key material never appears in them.
 */
export function trustedKey(key: string | KeyObject, source: string): TrustedKey {
  const hint = "give the public key (the .pub file `promptops keygen` wrote, PEM), never the .key file";
  const isPrivate = key instanceof KeyObject ? key.type === "private" : /PRIVATE KEY-----/.test(key);
  if (isPrivate) {
    throw new PromptOpsError("signing-key-invalid", `${source} is a private key`, { exitCode: 2, hint });
  }
  let publicKey: KeyObject;
  try {
    publicKey = key instanceof KeyObject ? key : createPublicKey(key);
  } catch {
    throw new PromptOpsError("signing-key-invalid", `${source} is not a PEM public key`, {
      exitCode: 2,
      hint,
    });
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new PromptOpsError(
      "signing-key-invalid",
      `${source} is a ${publicKey.asymmetricKeyType ?? "symmetric"} key, not an Ed25519 key`,
      { exitCode: 2, hint: "make a key pair with `promptops keygen <name>`" },
    );
  }
  return { key: publicKey, keyId: keyIdOf(publicKey) };
}

/** Every key of a `publicKey` option: one, or several while a key is being rotated. */
export function trustedKeys(
  keys: string | KeyObject | ReadonlyArray<string | KeyObject>,
  source: string,
): TrustedKey[] {
  const list = Array.isArray(keys) ? keys : [keys as string | KeyObject];
  if (list.length === 0) {
    throw new PromptOpsError("signing-key-invalid", `${source} is an empty list`, {
      exitCode: 2,
      hint: "give the public key (or, while rotating, the old and the new ones)",
    });
  }
  return list.map((key, i) => trustedKey(key, list.length === 1 ? source : `${source}[${i}]`));
}

/**
 * Refuses a parsed lockfile (`data`, from JSON.parse, not yet validated) that is not signed by
 * one of the `trusted` keys. Checked before anything else in it is believed.
 */
export function checkLockfileSignature(
  data: unknown,
  trustedKeys: TrustedKey | readonly TrustedKey[],
  at: SourceLocation,
  /** What messages call the lockfile: its path, unless the reader shows the path already. */
  subject: string = at.file,
): void {
  const file = subject;
  const list: readonly TrustedKey[] = Array.isArray(trustedKeys) ? trustedKeys : [trustedKeys as TrustedKey];
  const ids = list.map((k) => k.keyId);
  const named = ids.length === 1 ? `key ${ids[0]}` : `keys ${ids.join(", ")}`;
  const record = data !== null && typeof data === "object" && !Array.isArray(data) ? data : {};
  const signature = (record as { signature?: unknown }).signature;
  if (signature === undefined) {
    throw new PromptOpsError(
      "lockfile-unsigned",
      `${file} is not signed, and only lockfiles signed with ${named} are accepted`,
      {
        exitCode: 1,
        location: at,
        hint: "sign it where the key is kept: `promptops lock --sign <key file>` (or config signing.key), then ship it again",
      },
    );
  }
  const { alg, keyId, value } = (signature ?? {}) as Partial<Record<keyof LockfileSignature, unknown>>;
  if (alg !== "ed25519" || typeof keyId !== "string" || typeof value !== "string") {
    throw new PromptOpsError(
      "lockfile-signature-invalid",
      `${file}'s "signature" is not an Ed25519 signature written by promptops (alg, keyId, value)`,
      { exitCode: 1, location: at, hint: RESTORE_HINT },
    );
  }
  const trusted = list.find((k) => k.keyId === keyId);
  if (!trusted) {
    throw new PromptOpsError(
      "lockfile-wrong-key",
      `${file} is signed with key ${keyId}, but the trusted ${ids.length === 1 ? "key is" : "keys are"} ${ids.join(", ")}`,
      {
        exitCode: 1,
        location: at,
        hint: `if the signing key was rotated, trust the new public key (key ${keyId}) where lockfiles are checked, or re-sign with a trusted key: promptops lock --sign <key file>`,
      },
    );
  }
  let good = false;
  try {
    good = verify(null, signedBytes(record), trusted.key, Buffer.from(value, "base64"));
  } catch {
    // A value no signature could have been made over (a non-finite number) is a bad signature.
  }
  if (!good) {
    throw new PromptOpsError(
      "lockfile-signature-invalid",
      `${file} was changed by someone without the key: its signature (key ${keyId}) does not match its content`,
      { exitCode: 1, location: at, hint: RESTORE_HINT },
    );
  }
}

const RESTORE_HINT =
  "do not use this lockfile: restore it from git (or the last one a release pipeline signed), and find out who changed it";
