import { canonicalJson } from "../prompt/hash.js";
import type { Lockfile } from "./lockfile.js";
import { type LockfileSignature, type SigningKey, signLockfile } from "./lockfile-signature.js";
import { serializeLockfile } from "./serialize-lockfile.js";

/** What a write did to the lockfile's signature. */
export interface SignatureNote {
  /** The key id the written lockfile is signed with. */
  signedWith?: string;
  /** The content changed and nothing signed it: the old signature (this key id) was removed. */
  droppedSignature?: string;
}

export interface LockfileToWrite extends SignatureNote {
  lockfile: Lockfile;
  text: string;
}

/**
 * The lockfile to write for new `content` in place of `current` (the file as it parsed, or
 * undefined): signed when a key is given; else the old signature is kept only if the content it
 * signed is unchanged (a reformat, a no-op activation) and `keepSignature` allows (false: it is
 * known not to verify), and dropped otherwise, never left stale.
 */
export function lockfileToWrite(
  content: Lockfile,
  current: unknown,
  signing: SigningKey | undefined,
  keepSignature = true,
): LockfileToWrite {
  const { signature: _ignored, ...unsigned } = content;
  if (signing) {
    const lockfile = { ...unsigned, signature: signLockfile(unsigned, signing) };
    return { lockfile, text: serializeLockfile(lockfile), signedWith: signing.keyId };
  }
  const old = signatureOf(current);
  if (old && keepSignature && sameContent(unsigned, current)) {
    const lockfile = { ...unsigned, signature: old };
    return { lockfile, text: serializeLockfile(lockfile) };
  }
  return {
    lockfile: unsigned,
    text: serializeLockfile(unsigned),
    ...(old ? { droppedSignature: old.keyId } : {}),
  };
}

/** The text as JSON, unvalidated, for comparing signatures; undefined when it is not JSON. */
export function looseParse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/** The file's signature if it has the shape promptops writes; anything else is not kept. */
function signatureOf(value: unknown): LockfileSignature | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const signature = (value as { signature?: Partial<Record<keyof LockfileSignature, unknown>> }).signature;
  if (signature === null || typeof signature !== "object") return undefined;
  const { alg, keyId, value: bytes } = signature;
  return alg === "ed25519" &&
    typeof keyId === "string" &&
    /^[0-9a-f]{16}$/.test(keyId) &&
    typeof bytes === "string"
    ? { alg, keyId, value: bytes }
    : undefined;
}

function sameContent(unsigned: Omit<Lockfile, "signature">, current: unknown): boolean {
  const { signature: _ignored, ...rest } = current as Record<string, unknown>;
  try {
    return canonicalJson(unsigned) === canonicalJson(rest);
  } catch {
    return false; // a value canonical JSON refuses (a non-finite number) is not what we write
  }
}
