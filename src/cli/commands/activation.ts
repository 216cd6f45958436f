import {
  type ActivationChange,
  activateVersion,
  promoteVersions,
  rollbackVersion,
} from "../../environments/activation.js";
import { PromptOpsError } from "../../errors.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";
import { signatureNote } from "../signature-note.js";

function describe(change: ActivationChange): string {
  if (!change.changed) return `${change.env}: ${change.id} is already at v${change.to}`;
  const from = change.from === null ? "nothing" : `v${change.from}`;
  return `${change.env}: ${change.id} ${from} -> v${change.to}`;
}

function print(changes: ActivationChange[], json: boolean): number {
  if (json) printJson({ changes });
  else {
    const c = colourFor(process.stdout);
    for (const change of changes)
      process.stdout.write(`${change.changed ? c.green(describe(change)) : c.dim(describe(change))}\n`);
    const note = signatureNote(changes[0]?.signature);
    if (note) process.stdout.write(`${note}\n`);
  }
  return 0;
}

/** `<id>@<N>`, the version with or without its `v`. */
export function parseVersionedId(text: string): { id: string; version: number } {
  const match = /^(.+)@v?([1-9]\d*)$/.exec(text);
  if (!match) {
    throw new PromptOpsError("bad-version-ref", `expected <id>@<version>, got "${text}"`, {
      exitCode: 2,
      hint: "e.g. support-agent@3",
    });
  }
  return { id: match[1]!, version: Number(match[2]) };
}

export async function runActivate(
  options: GlobalOptions & { target: string; env: string; message?: string; sign?: string; json: boolean },
) {
  const { id, version } = parseVersionedId(options.target);
  const change = await activateVersion({
    cwd: options.cwd,
    id,
    version,
    env: options.env,
    ...(options.message ? { reason: options.message } : {}),
    ...(options.sign !== undefined ? { sign: options.sign } : {}),
  });
  return print([change], options.json);
}

export async function runRollback(
  options: GlobalOptions & { id: string; env: string; message?: string; sign?: string; json: boolean },
) {
  const change = await rollbackVersion({
    cwd: options.cwd,
    id: options.id,
    env: options.env,
    ...(options.message ? { reason: options.message } : {}),
    ...(options.sign !== undefined ? { sign: options.sign } : {}),
  });
  return print([change], options.json);
}

export async function runPromote(
  options: GlobalOptions & {
    ids: string[];
    all: boolean;
    from: string;
    to: string;
    message?: string;
    sign?: string;
    json: boolean;
  },
) {
  const changes = await promoteVersions({
    cwd: options.cwd,
    ids: options.ids,
    all: options.all,
    from: options.from,
    to: options.to,
    ...(options.message ? { reason: options.message } : {}),
    ...(options.sign !== undefined ? { sign: options.sign } : {}),
  });
  return print(changes, options.json);
}
