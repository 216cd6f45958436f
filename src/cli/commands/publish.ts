import { type PublishResult, publishVersions } from "../../versions/publish.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export interface PublishCommandOptions extends GlobalOptions {
  ids: string[];
  message: string | undefined;
  push: boolean;
  remote: string;
  dryRun: boolean;
  allowDetached: boolean;
  json: boolean;
}

export async function runPublish(options: PublishCommandOptions): Promise<number> {
  const result = await publishVersions(options);
  const pushFailed = result.pushed?.some((p) => !p.ok) ?? false;
  if (options.json) printJson(result);
  else printPublish(result, options.remote);
  return pushFailed ? 1 : 0;
}

function printPublish(result: PublishResult, remote: string): void {
  const c = colourFor(process.stdout);
  const out: string[] = [];
  for (const item of result.planned) {
    const verb = result.dryRun ? "would tag" : "tagged";
    out.push(
      `${verb} ${c.bold(item.tag)}  ${c.dim(`${item.hash.slice(0, 15)}… at ${item.commit.slice(0, 7)}`)}  ${item.reason.split("\n")[0]}`,
    );
  }
  for (const item of result.unchanged)
    out.push(c.dim(`unchanged: ${item.id} is the same as v${item.version}`));
  if (result.planned.length === 0) out.push("nothing to publish: every draft matches its latest version");
  for (const push of result.pushed ?? []) {
    out.push(
      push.ok
        ? `pushed ${push.tag} to ${remote}`
        : c.red(`push of ${push.tag} to ${remote} failed: ${push.reason ?? push.summary}`),
    );
  }
  const failed = (result.pushed ?? []).filter((p) => !p.ok);
  if (failed.length > 0) {
    out.push(
      `the tags exist locally; retry with: git push ${remote} ${failed.map((p) => `refs/tags/${p.tag}`).join(" ")}`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
