import { PromptOpsError } from "../../errors.js";
import type { NotCarried } from "../../interop/promptfoo/not-carried.js";
import type { GlobalOptions } from "../main.js";
import { notCarriedJson, notCarriedLine } from "../not-carried-lines.js";
import { colourFor, displayPath, printJson } from "../output.js";

export interface ExportCommandOptions extends GlobalOptions {
  format: string;
  id: string;
  out: string | undefined;
  force: boolean;
  json: boolean;
}

/** What every format's export gives back: its text, the file written (with --out), what it left behind. */
interface ExportResult {
  text: string;
  written: string | undefined;
  notCarried: NotCarried[];
}

/** `export <format> <id>`: one branch per format, each calling its own module. */
export async function runExport(options: ExportCommandOptions): Promise<number> {
  const { format } = options;
  if (format === "dotprompt") {
    const { exportDotprompt } = await import("../../interop/dotprompt/export-dotprompt.js");
    return printExport(await exportDotprompt(options), options);
  }
  if (format === "prompty") {
    const { exportPrompty } = await import("../../interop/prompty/export-prompty.js");
    return printExport(exportPrompty(options), options);
  }
  throw new PromptOpsError(
    "bad-flag",
    `cannot export to "${format}": promptops exports dotprompt and prompty`,
    { hint: "promptops export dotprompt|prompty <id> [--out file]" },
  );
}

/**
 * Without --out the exported file is stdout, so what was left behind goes to stderr; with --out,
 * stdout says what was written and lists it. --json prints all of it as one object.
 */
function printExport(result: ExportResult, options: ExportCommandOptions): number {
  if (options.json) {
    printJson({
      written: result.written === undefined ? null : displayPath(result.written),
      ...(result.written === undefined ? { text: result.text } : {}),
      notCarried: notCarriedJson(result.notCarried),
    });
    return 0;
  }
  if (!result.written) process.stdout.write(result.text);
  const stream = result.written ? process.stdout : process.stderr;
  const c = colourFor(stream);
  const lines = result.notCarried.map((n) => notCarriedLine(n, c));
  if (result.written) lines.unshift(`wrote ${displayPath(result.written)}`);
  if (lines.length > 0) stream.write(`${lines.join("\n")}\n`);
  return 0;
}
