import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync } from "../fs/write-file-atomic.js";
import { canonicalJson } from "../prompt/hash.js";
import type { ToolCall } from "../providers/provider.js";
import { redactDeep } from "../redact-secrets.js";

/** Everything that decides a reply: the cache key. Never holds credentials. */
export interface CacheKeyParts {
  provider: string;
  model: string;
  params: Record<string, unknown>;
  messages: unknown;
  responseFormat?: unknown;
  tools?: unknown;
  /** With --repeat N, each repeat is its own entry (one run records N samples), not a hit of the first. */
  sample: number;
}

export interface CachedReply {
  output: string;
  /**
   * The reply's tool calls, as the provider gave them. Always there (maybe empty) for a request that
   * declared tools: an entry without them was written before replies kept their calls, and is a miss.
   */
  toolCalls?: ToolCall[];
  tokens: { input: number; output: number; estimated: boolean };
  latencyMs: number;
  /** What the provider could not honour as asked: said again when the reply comes from the cache. */
  notes?: string[];
  /** Why the model stopped, as the provider said it: `finish-reason` checks a cached reply too. */
  finishReason?: string;
}

// 2: entries keep the finish reason; a format-1 entry, which never had one, is not read as "none".
const CACHE_FORMAT = 2;

export function cacheKey(parts: CacheKeyParts): string {
  return createHash("sha256")
    .update(canonicalJson({ format: CACHE_FORMAT, ...parts }))
    .digest("hex");
}

/**
 * Replies on disk under `.promptops/cache/ab/abcdef….json`, one file per request, written
 * atomically (writeFileAtomicSync), so concurrent runs and a Ctrl-C, even a second one that
 * quits at once, never leave a torn entry or a temp file. Errors are never stored.
 * An entry `trusts` refuses (one git tracks: config/local-state.ts) is neither read nor replaced.
 */
export class ResponseCache {
  constructor(
    readonly dir: string,
    private readonly trusts: (file: string) => boolean = () => true,
  ) {}

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedReply | undefined> {
    if (!this.trusts(this.file(key))) return undefined;
    try {
      // Synchronous on purpose: an entry is a few hundred bytes, and the promise API's four
      // thread-pool round trips (open, fstat, read, close) cost far more than the read itself: a
      // cached re-run of 1,000 cases spent ~90 ms of main-thread time there, ~15 ms this way.
      const entry = JSON.parse(readFileSync(this.file(key), "utf8"));
      return typeof entry?.output === "string" && validToolCalls(entry.toolCalls)
        ? (entry as CachedReply)
        : undefined;
    } catch {
      return undefined; // missing or unreadable: a miss, never a failure
    }
  }

  async set(key: string, reply: CachedReply): Promise<void> {
    const file = this.file(key);
    if (!this.trusts(file)) return;
    // Replies come redacted from their provider; this catches what reached the cache another way.
    writeFileAtomicSync(file, JSON.stringify(redactDeep(reply)));
  }
}

function validToolCalls(calls: unknown): boolean {
  if (calls === undefined) return true;
  return (
    Array.isArray(calls) &&
    calls.every(
      (call) =>
        typeof call?.name === "string" && typeof (call as { arguments?: unknown }).arguments === "string",
    )
  );
}
