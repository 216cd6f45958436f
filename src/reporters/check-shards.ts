import { PromptOpsError } from "../errors.js";

/**
 * The shard set of a merge must be whole: `--shard i/n` files 1..n, each once. A CI job that failed
 * to upload its shard would otherwise make a green merged report of part of the suite.
 * `files[k]` wrote `shards[k]` (undefined: a run without --shard).
 */
export function checkShardSet(files: readonly string[], shards: readonly (string | undefined)[]): void {
  const sharded = shards.flatMap((shard, k) => (shard ? [{ file: files[k]!, shard }] : []));
  if (sharded.length === 0) return;
  const unsharded = files.filter((_, k) => shards[k] === undefined);
  if (unsharded.length > 0)
    throw new PromptOpsError(
      "merge-shard-missing",
      `${unsharded[0]} holds no shard, unlike ${sharded[0]!.file}`,
      {
        hint: "merge the results of one --shard i/n set, or pass --allow-partial",
      },
    );
  const counts = new Set(sharded.map((s) => s.shard.split("/")[1]));
  if (counts.size > 1)
    throw new PromptOpsError(
      "merge-shard-missing",
      `the files come from different shard sets (${[...counts].map((n) => `/${n}`).join(", ")})`,
      { hint: "merge the results of one --shard i/n set, or pass --allow-partial" },
    );
  const count = Number([...counts][0]);
  const byIndex = new Map<number, string[]>();
  for (const { file, shard } of sharded) {
    const index = Number(shard.split("/")[0]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), file]);
  }
  for (const [index, holders] of byIndex) {
    if (holders.length > 1)
      throw new PromptOpsError(
        "merge-shard-repeated",
        `shard ${index}/${count} is in ${holders.length} files: ${holders.join(", ")}`,
        { hint: "merge each shard's results once, or pass --allow-partial" },
      );
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new PromptOpsError(
      "merge-shard-missing",
      `shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing: the merged report would leave out their cases`,
      {
        hint: "merge the results of every shard (check that each CI job uploaded its file), or pass --allow-partial",
      },
    );
}
