import { promptLog } from "../../versions/log.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export interface LogCommandOptions extends GlobalOptions {
  id: string;
  json: boolean;
}

export async function runLog(options: LogCommandOptions): Promise<number> {
  const report = await promptLog(options.cwd, options.id);
  if (options.json) {
    printJson({
      id: report.id,
      versions: report.versions.map((v) => ({
        version: v.version,
        hash: v.hash,
        commit: v.commit,
        tag: v.tag,
        tagger: v.tagger,
        reason: v.reason,
      })),
    });
    return 0;
  }
  const c = colourFor(process.stdout);
  if (report.versions.length === 0) {
    process.stdout.write(
      `${options.id} has no published versions yet (publish one with \`promptops publish ${options.id}\`)\n`,
    );
    return 0;
  }
  for (const v of report.versions) {
    const who = `${v.tagger.name} <${v.tagger.email.replace(/^<|>$/g, "")}>`;
    process.stdout.write(
      `${c.bold(`v${v.version}`)}  ${c.dim(v.hash.slice(0, 15))}  ${c.yellow(v.commit.slice(0, 7))}  ${who}  ${v.tagger.date}\n`,
    );
    for (const line of v.reason.split("\n")) process.stdout.write(`    ${line}\n`);
  }
  return 0;
}
