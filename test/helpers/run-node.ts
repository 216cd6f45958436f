import { execFile } from "node:child_process";

export interface NodeResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` in `cwd` as an application would run, with a time limit, so that a runtime
 * that hangs fails its test instead of holding the suite.
 */
export function runNode(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<NodeResult> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 10_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
