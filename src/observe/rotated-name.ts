import { access } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

/**
 * Where a full log file goes: beside it, its name stamped with the UTC time of the rotation,
 * `calls.jsonl` -> `calls.2026-12-05T03-45-12-345Z.jsonl`, so that names sort in time order and a
 * glob (`calls.*.jsonl`) finds them all. A clash (two rotations in one millisecond) adds `-2`, `-3`.
 */
export async function rotatedName(file: string, now: Date): Promise<string> {
  const ext = extname(file);
  const stem = join(dirname(file), basename(file, ext));
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  for (let n = 1; ; n++) {
    const candidate = `${stem}.${stamp}${n === 1 ? "" : `-${n}`}${ext}`;
    const taken = await access(candidate).then(
      () => true,
      () => false,
    );
    if (!taken) return candidate;
  }
}
