/**
 * Byte comparisons for reading one lockfile version from the one before: native comparisons of
 * halving ranges, so two 1 MB versions are compared in microseconds rather than byte by byte.
 */

/** How many bytes `a` from `aStart` and `b` from `bStart` have in common at the start. */
export function commonPrefix(a: Buffer, aStart: number, b: Buffer, bStart: number): number {
  let low = 0;
  let high = Math.min(a.length - aStart, b.length - bStart);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (a.compare(b, bStart + low, bStart + mid, aStart + low, aStart + mid) === 0) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Members of an object as JSON.stringify(object, null, 2) lays them out at `indent` spaces: each on
 * its own line, the "\n" and indent before each key included, commas between, none after.
 */
export function renderMembers(members: Record<string, unknown>, indent: number): string {
  const newline = `\n${" ".repeat(indent)}`;
  let text = "";
  for (const [key, value] of Object.entries(members)) {
    const rendered = JSON.stringify(value, null, 2);
    if (rendered === undefined) return "";
    text += `${text === "" ? "" : ","}${newline}${JSON.stringify(key)}: ${rendered.replaceAll("\n", newline)}`;
  }
  return text;
}
