import { approveVersion } from "../../governance/approve-version.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";
import { parseVersionedId } from "./activation.js";

export async function runApprove(
  options: GlobalOptions & { target: string; message?: string; push: boolean; remote: string; json: boolean },
): Promise<number> {
  const { id, version } = parseVersionedId(options.target);
  const approval = await approveVersion({
    cwd: options.cwd,
    id,
    version,
    push: options.push,
    remote: options.remote,
    ...(options.message ? { reason: options.message } : {}),
  });
  if (options.json) {
    printJson(approval);
    return 0;
  }
  const c = colourFor(process.stdout);
  process.stdout.write(
    `${c.green(`approved ${id} v${version}`)} (${approval.record.hash.slice(0, 19)}…) as ${approval.record.by}: a note on ${approval.tag} in refs/notes/promptops\n`,
  );
  if (approval.doesNotCount)
    process.stderr.write(`warning: this approval will not count: ${approval.doesNotCount}\n`);
  if (approval.pushed) process.stdout.write(`pushed refs/notes/promptops (${approval.pushed})\n`);
  else if (!options.push)
    process.stdout.write("share it with: git push origin refs/notes/promptops (or approve with --push)\n");
  return 0;
}
