import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { writeFileAtomic } from "../../fs/write-file-atomic.js";
import { generateTypes } from "../../typegen/generate-types.js";
import type { GlobalOptions } from "../main.js";
import { displayPath } from "../output.js";

export async function runTypes(
  options: GlobalOptions & { out?: string; drafts: boolean; stdout: boolean },
): Promise<number> {
  const generated = await generateTypes({ cwd: options.cwd, drafts: options.drafts });
  if (options.stdout) {
    process.stdout.write(generated.text);
    return 0;
  }
  const { loadConfigOrThrow } = await import("../../config/load-config.js");
  const file = options.out
    ? resolve(options.cwd, options.out)
    : resolve(loadConfigOrThrow(options.cwd).root, generated.out);
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === generated.text) {
    process.stdout.write(`${displayPath(file)} is up to date\n`);
    return 0;
  }
  await writeFileAtomic(file, generated.text);
  process.stdout.write(`wrote ${displayPath(file)} from ${generated.source}\n`);
  return 0;
}
