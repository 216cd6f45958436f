import { relative } from "node:path";
import type { ChalkInstance } from "chalk";
import type { Diagnostic } from "../diagnostics.js";
import { formatLocation, type SourceLocation } from "../errors.js";

// The reporters colour their output the same way; the commands import it from here.
export { colourFor } from "../reporters/colour.js";

/** Paths as the user would type them: relative to where they ran the command. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === "" ? "." : rel.startsWith("..") && rel.split("/").length > 4 ? file : rel;
}

export function displayLocation(location: SourceLocation): string {
  return formatLocation({ ...location, file: displayPath(location.file) });
}

export function formatDiagnostic(d: Diagnostic, c: ChalkInstance): string {
  const label = d.severity === "error" ? c.red("error") : c.yellow("warning");
  const hint = d.hint ? `\n  ${c.dim(`hint: ${d.hint}`)}` : "";
  return `${c.bold(displayLocation(d))}: ${label}: ${d.message}${hint}`;
}

/** GitHub Actions workflow commands; values escaped as the runner expects. */
export function formatGithubAnnotation(d: Diagnostic): string {
  const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const props = [`file=${escapeProperty(displayPath(d.file))}`];
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.col !== undefined) props.push(`col=${d.col}`);
  props.push(`title=${escapeProperty(`promptops ${d.code}`)}`);
  const text = d.hint ? `${d.message} (hint: ${d.hint})` : d.message;
  return `::${d.severity === "error" ? "error" : "warning"} ${props.join(",")}::${escapeData(text)}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
