import { importPrompty } from "../../interop/prompty/import-prompty.js";
import type { GlobalOptions } from "../main.js";
import { importNextStep, notCarriedJson, notCarriedLine } from "../not-carried-lines.js";
import { colourFor, displayPath, printJson } from "../output.js";

/** `import prompty <file.prompty…>`: exit 1 when a file could not be imported at all. */
export function runImportPrompty(
  options: GlobalOptions & { files: string[]; out: string | undefined; force: boolean; json: boolean },
): number {
  const result = importPrompty({
    cwd: options.cwd,
    files: options.files,
    outDir: options.out ?? ".",
    force: options.force,
  });
  const code = result.skipped.length > 0 ? 1 : 0;
  if (options.json) {
    printJson({
      written: result.written.map(displayPath),
      prompts: result.prompts.map((p) => ({ ...p, file: displayPath(p.file) })),
      skipped: result.skipped,
      notCarried: notCarriedJson(result.notCarried),
    });
    return code;
  }
  const c = colourFor(process.stdout);
  const lines = result.prompts.map(
    (p) => `wrote ${displayPath(p.file)} from ${p.source}${p.tests > 0 ? " (its sample as a test)" : ""}`,
  );
  for (const note of result.notCarried) lines.push(notCarriedLine(note, c));
  for (const file of result.skipped) lines.push(`${c.bold(file)}: ${c.red("not imported")} (see above)`);
  lines.push(
    result.prompts.length === 0
      ? "No file was imported: nothing written."
      : importNextStep(result.notCarried, "promptops validate, then promptops render <id>"),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return code;
}
