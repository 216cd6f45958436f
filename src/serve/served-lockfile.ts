import { createHash } from "node:crypto";
import { type LockedPrompt, type Lockfile, parseLockfile } from "../lockfile/lockfile.js";
import { serializeLockfile } from "../lockfile/serialize-lockfile.js";
import type { CompiledTemplate } from "../prompt/compile-template.js";
import { checkedTemplates } from "../runtime/checked-templates.js";

/** One answer `serve` gives, computed once per lockfile load: requests only look it up. */
export interface ServedBody {
  body: Buffer;
  /** Strong: the quoted SHA-256 of the body, so equal bodies have equal tags on every server. */
  etag: string;
}

export interface ServedLockfile {
  /** `GET /v1/lockfile`: the file's own bytes, so that a signature over it still verifies. */
  whole: ServedBody;
  /** `GET /v1/lockfile?env=E`: E's entries and the prompts they use. */
  byEnv: ReadonlyMap<string, ServedBody>;
  environments: number;
  prompts: number;
}

/**
 * Checks a lockfile the way the runtime will (schema, every prompt's hash, every template against
 * the policy) and precomputes every body and ETag. `serve` never serves what an application would
 * refuse: a lockfile that fails here is not served at all.
 */
export function prepareServedLockfile(text: string, file: string): ServedLockfile {
  const lockfile = parseLockfile(text, file);
  checkTemplates(lockfile, file);
  const byEnv = new Map<string, ServedBody>();
  for (const env of Object.keys(lockfile.environments).sort()) {
    byEnv.set(env, servedBody(Buffer.from(serializeLockfile(environmentView(lockfile, env)))));
  }
  return {
    whole: servedBody(Buffer.from(text)),
    byEnv,
    environments: byEnv.size,
    prompts: Object.keys(lockfile.prompts).length,
  };
}

/** One environment's part of a lockfile: a valid lockfile in its own right, with only that environment. */
function environmentView(lockfile: Lockfile, env: string): Lockfile {
  const entries = lockfile.environments[env]!;
  const prompts: Record<string, LockedPrompt> = {};
  for (const entry of Object.values(entries)) prompts[entry.hash] = lockfile.prompts[entry.hash]!;
  return { lockfileVersion: lockfile.lockfileVersion, environments: { [env]: entries }, prompts };
}

function servedBody(body: Buffer): ServedBody {
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"` };
}

function checkTemplates(lockfile: Lockfile, file: string): void {
  const seen = new Map<string, CompiledTemplate>();
  for (const prompt of Object.values(lockfile.prompts)) {
    checkedTemplates(prompt.id, prompt.version, prompt, file, seen);
  }
}
