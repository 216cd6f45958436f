/** `prompt/billing/refund/v3`: the tag of version 3 of prompt `billing/refund`. */
export function versionTagName(tagPrefix: string, id: string, version: number): string {
  return `${tagPrefix}${id}/v${version}`;
}

/**
 * The prompt id and version a tag name stands for, or undefined when it is not shaped like one.
 * Ids never have a segment like `v3` (see prompt-id.ts), so the last `/v<N>` is unambiguous
 * even for ids that share a prefix (`support` and `support/agent`).
 */
export function parseVersionTagName(
  tagPrefix: string,
  name: string,
): { id: string; version: number } | undefined {
  if (!name.startsWith(tagPrefix)) return undefined;
  const match = /^(.+)\/v([1-9]\d{0,8})$/.exec(name.slice(tagPrefix.length));
  if (!match) return undefined;
  return { id: match[1]!, version: Number(match[2]) };
}

export const TRAILER_ID = "Prompt-Id";
export const TRAILER_VERSION = "Prompt-Version";
export const TRAILER_HASH = "Prompt-Hash";

/** The tag message: why, then the trailers that make the tag self-describing. */
export function versionTagMessage(reason: string, id: string, version: number, hash: string): string {
  const why = reason.trim() || `Publish ${id} v${version}`;
  return `${why}\n\n${TRAILER_ID}: ${id}\n${TRAILER_VERSION}: ${version}\n${TRAILER_HASH}: ${hash}\n`;
}
