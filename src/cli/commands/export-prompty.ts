import { exportPrompty } from "../../interop/prompty/export-prompty.js";
import { colourFor, displayLocation, displayPath, printJson } from "../output.js";
import type { ExportCommandOptions } from "./export.js";

/** `export prompty <id>`: the file written, then each thing not carried over with its place. */
export function runExportPrompty(options: ExportCommandOptions): number {
  const result = exportPrompty(options);
  if (options.json) {
    printJson({ written: displayPath(result.file), notCarried: result.notCarried });
    return 0;
  }
  const c = colourFor(process.stdout);
  const lines = [`wrote ${displayPath(result.file)}`];
  for (const note of result.notCarried) {
    const label = note.kind === "dropped" ? c.yellow("not carried over") : c.cyan("review");
    lines.push(
      `${c.bold(displayLocation(note.location))}: ${label}: ${note.message.replace(/^not carried over: /, "")}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
