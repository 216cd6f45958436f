import { relative } from "node:path";
import { Chalk, type ChalkInstance } from "chalk";
import type { Diagnostic } from "../diagnostics.js";
import { formatLocation, type SourceLocation } from "../errors.js";
import { workflowCommand } from "../reporters/workflow-command.js";

/** Colour only on a terminal (or with FORCE_COLOR), and never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function colourFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const disabled = (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.TERM === "dumb";
  const level = disabled ? 0 : forced || stream.isTTY ? 1 : 0;
  return new Chalk({ level });
}

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
  const props = { file: displayPath(d.file), line: d.line, col: d.col, title: `promptops ${d.code}` };
  const text = d.hint ? `${d.message} (hint: ${d.hint})` : d.message;
  return workflowCommand(d.severity === "error" ? "error" : "warning", props, text);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
