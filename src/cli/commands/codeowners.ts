import { updateCodeowners } from "../../governance/codeowners.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayPath, printJson } from "../output.js";

export async function runCodeowners(
  options: GlobalOptions & { out?: string; check: boolean; json: boolean },
): Promise<number> {
  const result = await updateCodeowners({
    cwd: options.cwd,
    check: options.check,
    ...(options.out ? { out: options.out } : {}),
  });
  const failed = options.check && result.stale;
  const file = displayPath(result.file);
  if (options.json) {
    printJson({ ok: !failed, ...result, file });
    return failed ? 1 : 0;
  }
  const c = colourFor(process.stdout);
  if (failed) {
    for (const line of result.patch.split("\n").filter((l) => !/^(Index: |={10,}$)/.test(l)))
      process.stdout.write(
        `${line.startsWith("+") ? c.green(line) : line.startsWith("-") ? c.red(line) : line}\n`,
      );
    process.stdout.write(
      `${c.red("error")}: ${file}: the promptops block is stale; run \`promptops codeowners\` and commit it\n`,
    );
    return 1;
  }
  if (result.written) process.stdout.write(`wrote ${result.rules.length} owner lines to ${file}\n`);
  else process.stdout.write(c.green(`${file} is up to date\n`));
  return 0;
}
