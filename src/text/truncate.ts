/**
 * The first `max` characters of `text`, with "…" when it was cut. Characters are code points, cut
 * between: an emoji is never split into half a surrogate pair, which would print as U+FFFD.
 */
export function truncate(text: string, max: number): string {
  // A string has at least as many UTF-16 units as code points: short ones need no counting.
  if (text.length <= max) return text;
  let kept = 0;
  let end = 0;
  for (const char of text) {
    if (kept === max) return `${text.slice(0, end)}…`;
    kept += 1;
    end += char.length;
  }
  return text;
}

/** Whitespace runs made one space, cut to `limit` characters in all, the "…" included. */
export function oneLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return truncate(line, line.length > limit ? limit - 1 : limit);
}
