// JSON pointers (RFC 6901), as ajv's instancePath and the lockfile's locations use them.

/** The segments of a pointer, unescaped: "/a~1b/c" is ["a/b", "c"], "" (the whole document) is []. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  // ~1 before ~0, as the RFC says: "~01" is "~1", not "/".
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** What the segments lead to in a parsed JSON value, or undefined where they lead nowhere. */
export function valueAtSegments(document: unknown, segments: readonly string[]): unknown {
  return segments.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], document);
}
