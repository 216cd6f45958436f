import { diffVersions } from "../../versions/diff-versions.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";
import { optionalVersionRef } from "../version-flags.js";

export interface DiffCommandOptions extends GlobalOptions {
  id: string;
  /** `v3`, `3`, `draft` or `env:E`, as typed. */
  from: string | undefined;
  to: string | undefined;
  json: boolean;
}

export async function runDiff(options: DiffCommandOptions): Promise<number> {
  const diff = await diffVersions({
    cwd: options.cwd,
    id: options.id,
    from: optionalVersionRef(options.from),
    to: optionalVersionRef(options.to),
  });
  if (options.json) {
    printJson(diff);
    return 0;
  }
  const c = colourFor(process.stdout);
  if (diff.patch === "") {
    process.stdout.write(
      `${diff.id}: ${diff.from.label} and ${diff.to.label} have the same content (${diff.to.hash.slice(0, 15)}…)\n`,
    );
    return 0;
  }
  // The "Index:" and "===" lines of the patch header say nothing here.
  const lines = diff.patch.split("\n").filter((line) => !/^(Index: |={10,}$)/.test(line));
  for (const line of lines) {
    const painted = line.startsWith("+")
      ? c.green(line)
      : line.startsWith("-")
        ? c.red(line)
        : line.startsWith("@@")
          ? c.cyan(line)
          : line;
    process.stdout.write(`${painted}\n`);
  }
  const sign = diff.tokenDelta > 0 ? "+" : "";
  process.stdout.write(
    `static prompt tokens (estimated): ${diff.from.staticTokens} -> ${diff.to.staticTokens} (${sign}${diff.tokenDelta})\n`,
  );
  const cost =
    diff.costDeltaUsd === null
      ? `unknown (no list price for ${diff.to.model ?? "a prompt without a model"})`
      : `${diff.costDeltaUsd >= 0 ? "+" : "-"}$${Math.abs(diff.costDeltaUsd).toFixed(6)} per call (${diff.to.model})`;
  process.stdout.write(`estimated input cost change: ${cost}\n`);
  return 0;
}
