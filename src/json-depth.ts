/**
 * Whether a parsed JSON value nests lists and objects more than `max` deep (`{}` is 1, `[{}]` 2).
 * Counted level by level, without recursion: a reply of a few hundred KB can nest 100,000 levels,
 * which any recursive walk of it (JSON.stringify in a report, redaction) would overflow the stack on.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const isContainer = (item: unknown): item is object => typeof item === "object" && item !== null;
  let level = isContainer(value) ? [value] : [];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > max) return true;
    const next: object[] = [];
    for (const container of level)
      for (const item of Array.isArray(container) ? container : Object.values(container))
        if (isContainer(item)) next.push(item);
    level = next;
  }
  return false;
}
