import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes a file under .promptops/ whole or not at all: a temp file in the same folder, then a
 * rename. Synchronous on purpose: a second Ctrl-C quits at once (process.exit in a signal
 * handler), and a handler runs only between two pieces of JavaScript, never inside this call,
 * so no temp or half-written file is ever left behind. A failed write removes its temp file.
 */
export function writeLocalStateFile(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
