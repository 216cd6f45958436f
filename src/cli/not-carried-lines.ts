import type { ChalkInstance } from "chalk";
import type { NotCarried } from "../interop/promptfoo/not-carried.js";
import { displayLocation, displayPath } from "./output.js";

/** One thing an import or export left behind, at its place: `file:line:col: not carried over: …`. */
export function notCarriedLine(note: NotCarried, c: ChalkInstance): string {
  const label = note.kind === "dropped" ? c.yellow("not carried over") : c.cyan("review");
  return `${c.bold(displayLocation(note.location))}: ${label}: ${note.message.replace(/^(not carried over|review): /, "")}`;
}

/** The notes as --json prints them: paths as the user would type them. */
export function notCarriedJson(notes: readonly NotCarried[]): NotCarried[] {
  return notes.map((n) => ({ ...n, location: { ...n.location, file: displayPath(n.location.file) } }));
}

/** The closing line of an import: how much was left behind, and what to run next. */
export function importNextStep(notes: readonly NotCarried[], next: string): string {
  const dropped = notes.filter((n) => n.kind === "dropped").length;
  return dropped === 0
    ? `Everything was carried over. Next: ${next}.`
    : `${dropped} thing${dropped === 1 ? "" : "s"} not carried over (listed above). Next: ${next}.`;
}
