import type { SourceLocation } from "../errors.js";
import { hashCompiledPrompt } from "../prompt/hash.js";
import type { CompiledPrompt } from "../prompt/prompt-file.js";
import { lockfileValidator } from "../schemas/generated/lockfile-validator.js";
import { escapePointerSegment } from "../schemas/json-pointer.js";
import { lineColAt, pointerOffset, syntaxErrorOffset } from "./json-position.js";
import { lockfileInvalid, schemaError, shortHash } from "./lockfile-errors.js";
import { checkLockfileSignature, type LockfileSignature, type TrustedKey } from "./lockfile-signature.js";
import { readLockfileText } from "./read-lockfile-text.js";

// The shapes of promptops.lock, mirroring schemas/lockfile.schema.json (a test keeps them in step).

export const LOCKFILE_VERSION = 1;

/** Which version of a prompt is active in an environment, and who made it so, when and why. */
export interface LockfileEntry {
  version: number;
  /** The key of the version's content under `prompts`. */
  hash: string;
  /** The commit the version's tag points at. */
  commit: string;
  activatedAt: string;
  activatedBy: string;
  reason?: string;
  /** The version active before this one, which rollback returns to; null when there was none. */
  previous?: number | null;
}

/** A version's compiled content as stored under `prompts`: keyed by the hash of everything but id and version. */
export interface LockedPrompt extends CompiledPrompt {
  id: string;
  version: number;
}

export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  /** Environment name -> prompt id -> active version. */
  environments: Record<string, Record<string, LockfileEntry>>;
  /** Content hash -> content. */
  prompts: Record<string, LockedPrompt>;
  /** Present when the lockfile was signed (DESIGN.md section 7). */
  signature?: LockfileSignature;
}

export const lockfileKeys = {
  lockfileVersion: true,
  environments: true,
  prompts: true,
  signature: true,
} as const satisfies Record<keyof Lockfile, true>;

export const lockfileEntryKeys = {
  version: true,
  hash: true,
  commit: true,
  activatedAt: true,
  activatedBy: true,
  reason: true,
  previous: true,
} as const satisfies Record<keyof LockfileEntry, true>;

export const lockedPromptKeys = {
  id: true,
  version: true,
  messages: true,
  model: true,
  variables: true,
  response_format: true,
  tools: true,
} as const satisfies Record<keyof LockedPrompt, true>;

export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, environments: {}, prompts: {} };
}

/** What to store under `prompts[hashCompiledPrompt(compiled)]` for version `version` of `id`. */
export function lockedPrompt(id: string, version: number, compiled: CompiledPrompt): LockedPrompt {
  return { ...compiled, id, version };
}

/** The versioned content of a stored prompt: what its key is the hash of. */
export function compiledContent(prompt: LockedPrompt): CompiledPrompt {
  const { id: _id, version: _version, ...content } = prompt;
  return content;
}

/** Reads and validates a lockfile; a missing one is an environment error (nothing was ever activated). */
export async function readLockfile(file: string): Promise<Lockfile> {
  const { text } = await readLockfileText(
    file,
    "activate a version first: promptops activate <id>@<N> --env <env>",
  );
  return parseLockfile(text, file);
}

/** Parses lockfile text; throws a `lockfile-invalid` PromptOpsError pointing at the problem. */
/**
 * How deep a lockfile's JSON may nest. A lockfile nests a few levels plus its variables' schemas;
 * one nested millions of levels deep made JSON.parse take seconds and a gigabyte, and every later
 * walk of it overflow the stack.
 */
const MAX_LOCKFILE_DEPTH = 128;

/** The offset of the first bracket that opens level `max + 1`, outside strings; undefined if none. */
function offsetPastDepth(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

export interface ParseLockfileOptions {
  /** Refuse the lockfile unless one of these keys signed it (checked before anything else in it). */
  publicKey?: TrustedKey | readonly TrustedKey[];
}

export function parseLockfile(text: string, file: string, options: ParseLockfileOptions = {}): Lockfile {
  // Some Windows editors add a byte-order mark; it is not content.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const tooDeep = offsetPastDepth(body, MAX_LOCKFILE_DEPTH);
  if (tooDeep !== undefined) {
    throw lockfileInvalid(
      `lockfile nests deeper than ${MAX_LOCKFILE_DEPTH} levels`,
      { file, ...lineColAt(body, tooDeep) },
      {
        hint: "this is not a lockfile promptops wrote; restore it from git (`git checkout -- <file>`) or run `promptops lock`",
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const at = lineColAt(body, syntaxErrorOffset(body, error));
    // V8 quotes the text around the error ("…" is not valid JSON); the position says it better.
    const detail = (error as Error).message.replace(/, (?:\.\.\.)?".*$/s, "").replace(/ in JSON.*$/s, "");
    const conflict = /^(<{7}|={7}|>{7})( |$)/m.test(body);
    throw lockfileInvalid(
      `lockfile is not valid JSON: ${detail}`,
      { file, ...at },
      {
        hint: conflict
          ? "resolve the git merge conflict: keep one side of each environment entry, then run `promptops lock`"
          : "the lockfile is written by promptops; restore it from git (`git checkout -- <file>`) or run `promptops lock`",
      },
    );
  }
  if (options.publicKey) {
    const offset = pointerOffset(body, "/signature", "key");
    checkLockfileSignature(data, options.publicKey, {
      file,
      ...(offset === undefined ? {} : lineColAt(body, offset)),
    });
  }
  validateLockfile(data, file, body);
  return data;
}

/**
 * Checks a lockfile against its schema and its invariants: every entry points at stored content of
 * the same id and version, and every stored content hashes to its key (so hand edits and tampering
 * are caught). `text`, when given, is where line:col positions come from.
 */
export function validateLockfile(data: unknown, file: string, text?: string): asserts data is Lockfile {
  const locate = (pointer: string, part: "key" | "value" = "value"): SourceLocation => {
    const offset = text === undefined ? undefined : pointerOffset(text, pointer, part);
    return offset === undefined ? { file } : { file, ...lineColAt(text!, offset) };
  };
  const validate = lockfileValidator();
  if (!validate(data)) throw schemaError(data, validate.errors ?? [], locate, LOCKFILE_VERSION);
  const lockfile = data as Lockfile;
  const hint =
    'content under "prompts" is written by promptops; run `promptops lock` to recompile it from the tags';

  const stored = new Map<string, string>();
  for (const [hash, prompt] of Object.entries(lockfile.prompts)) {
    const actual = hashCompiledPrompt(compiledContent(prompt));
    const name = `stored prompt "${prompt.id}" v${prompt.version}`;
    if (actual !== hash) {
      throw lockfileInvalid(
        `${name} was tampered with or edited by hand: it is stored under ${shortHash(hash)} but its content hashes to ${shortHash(actual)}`,
        locate(pointer("prompts", hash), "key"),
        { hint },
      );
    }
    const other = stored.get(`${prompt.id}@${prompt.version}`);
    if (other !== undefined) {
      throw lockfileInvalid(
        `${name} is stored twice with different content (${shortHash(other)} and ${shortHash(hash)})`,
        locate(pointer("prompts", hash), "key"),
        { hint },
      );
    }
    stored.set(`${prompt.id}@${prompt.version}`, hash);
  }

  for (const [env, entries] of Object.entries(lockfile.environments)) {
    for (const [id, entry] of Object.entries(entries)) {
      const name = `entry "${id}" of environment "${env}"`;
      const prompt = Object.hasOwn(lockfile.prompts, entry.hash) ? lockfile.prompts[entry.hash] : undefined;
      if (!prompt) {
        throw lockfileInvalid(
          `${name} points at ${shortHash(entry.hash)}, which is not stored under "prompts"`,
          locate(pointer("environments", env, id, "hash")),
          { hint },
        );
      }
      // No id/version match is required: identical content (a revert to an earlier version, two
      // prompts with the same text) is stored once and serves every entry with that hash.
      // Whether an entry's version really has this content is checked against git by `lock --check`.
      if (Number.isNaN(Date.parse(entry.activatedAt))) {
        throw lockfileInvalid(
          `${name}: activatedAt "${entry.activatedAt}" is not a real date`,
          locate(pointer("environments", env, id, "activatedAt")),
          { hint: "activatedAt is an RFC 3339 date-time such as 2026-11-20T09:12:00Z" },
        );
      }
    }
  }
}

function pointer(...segments: string[]): string {
  return segments.map((s) => `/${escapePointerSegment(s)}`).join("");
}
