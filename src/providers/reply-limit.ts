import { defaultConfig } from "../config/config.js";

/**
 * The most bytes of one reply promptops reads, counted after decompression: a gzip bomb or an
 * endless body must end as one case's error, never as the run's memory.
 */
export const DEFAULT_MAX_REPLY_BYTES = defaultConfig.test.maxReplyBytes;

/** Where a user raises the limit: said in every over-limit message. */
const HOW_TO_RAISE = "raise test.maxReplyBytes in promptops.config.yaml if such replies are expected";

/**
 * A reply that grew past the limit while it was read (`size` unknown) or that announced a larger
 * Content-Length (`size` known). Thrown by the body read; providers turn it into a ProviderError.
 */
export class ReplyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly size?: number,
  ) {
    super(
      size === undefined
        ? `the reply is larger than ${formatBytes(limit)}, the limit; ${HOW_TO_RAISE}`
        : `the reply is ${formatBytes(size)}, over the ${formatBytes(limit)} limit; ${HOW_TO_RAISE}`,
    );
    this.name = "ReplyTooLargeError";
  }
}

/** "4 MiB", "1.5 GiB", "900 bytes": a size as people read it. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[unit]}`;
}

/**
 * Collects a reply's chunks up to `limit` bytes. `add` returns false (and drops what it held, so
 * the memory goes at once) when a chunk takes the total over the limit.
 */
export class ReplyBuffer {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  constructor(readonly limit: number) {}

  add(chunk: Uint8Array): boolean {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.limit) {
      this.chunks = [];
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
