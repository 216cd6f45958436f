import { type ChildProcess, spawn } from "node:child_process";
import { estimateTokens } from "./echo-provider.js";
import type { Provider, ProviderCall, ProviderReply, ToolCall } from "./provider.js";
import { abortError, cleanText, ProviderError, replyTooLarge } from "./provider-errors.js";
import type { ProviderSpec } from "./provider-spec.js";
import { DEFAULT_MAX_REPLY_BYTES, ReplyBuffer, ReplyTooLargeError } from "./reply-limit.js";
import { replyOutput } from "./reply-output.js";

export interface ExecProviderOptions {
  /** Where the command runs: the project root, so `./script.sh` in the config means what it says. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The most bytes of stdout read; past it the command is killed. Default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
}

const POSIX = process.platform !== "win32";
const STDERR_KEPT = 8192;

/**
 * `exec:<command>`: the request JSON `{messages, params, response_format, tools}` goes to stdin; stdout
 * is the reply, either JSON `{output, tokens?, toolCalls?, finishReason?}` or plain text.
 */
export function createExecProvider(spec: ProviderSpec, options: ExecProviderOptions = {}): Provider {
  const command = spec.command ?? spec.model;
  return {
    id: spec.id,
    kind: "exec",
    model: spec.model,
    cacheScope: JSON.stringify({ kind: "exec", command, params: spec.params ?? {} }),
    async call(request: ProviderCall): Promise<ProviderReply> {
      const stdin = JSON.stringify({
        messages: request.messages,
        params: { ...request.params, ...spec.params },
        response_format: request.responseFormat ?? null,
        tools: request.tools ?? null,
      });
      const stdout = await run(command, stdin, request.signal, spec.id, options);
      return parseReply(stdout, request);
    },
  };
}

function run(
  command: string,
  stdin: string,
  signal: AbortSignal,
  providerId: string,
  options: ExecProviderOptions,
): Promise<string> {
  if (signal.aborted) return Promise.reject(abortError(signal, providerId));
  return new Promise((resolve, reject) => {
    // shell: true on purpose: the user wrote a command line in their own config, with arguments,
    // quotes or pipes, and expects a shell to read it. No text of ours is ever put into it.
    // detached: its own process group, so an abort kills the shell and what the shell started.
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: POSIX,
      windowsHide: true,
    });
    const out = new ReplyBuffer(options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES);
    let err = "";
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      action();
    };
    const onAbort = () => {
      settle(() => reject(abortError(signal, providerId)));
      kill(child);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.stdout!.on("data", (chunk: Buffer) => {
      if (settled || out.add(chunk)) return;
      settle(() => reject(replyTooLarge(providerId, new ReplyTooLargeError(out.limit).message)));
      kill(child);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-STDERR_KEPT);
    });
    // A command that never reads stdin closes it early; that is its right, not an error.
    child.stdin!.on("error", () => {});
    child.stdin!.end(stdin);
    child.on("error", (error) =>
      settle(() =>
        reject(
          new ProviderError(`${providerId}: cannot run the command: ${error.message}`, {
            kind: "other",
            providerId,
          }),
        ),
      ),
    );
    child.on("close", (code, signalName) => {
      if (code === 0) return settle(() => resolve(out.text()));
      const how = code === null ? `was killed by ${signalName}` : `exited with code ${code}`;
      const tail = lastLines(err, 3);
      settle(() =>
        reject(
          new ProviderError(`${providerId}: the command ${how}${tail ? `: ${tail}` : ""}`, {
            kind: "other",
            providerId,
            ...(tail ? { providerMessage: tail } : {}),
          }),
        ),
      );
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (POSIX) process.kill(-child.pid, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    // Already gone between the check and the kill.
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return cleanText(lines.slice(-count).join(" | "));
}

function parseReply(stdout: string, request: ProviderCall): ProviderReply {
  const trimmed = stdout.trim();
  if (trimmed.startsWith("{")) {
    const parsed = tryJson(trimmed);
    if (parsed && typeof parsed.output === "string") {
      const tokens = parsed.tokens as { input?: unknown; output?: unknown } | undefined;
      const counted = typeof tokens?.input === "number" && typeof tokens.output === "number";
      const toolCalls = Array.isArray(parsed.toolCalls) ? execToolCalls(parsed.toolCalls) : undefined;
      const output = replyOutput(parsed.output, toolCalls);
      return {
        output,
        tokens: counted
          ? { input: tokens.input as number, output: tokens.output as number, estimated: false }
          : estimateTokens(request.messages, output),
        ...(toolCalls ? { toolCalls } : {}),
        ...(typeof parsed.finishReason === "string" ? { finishReason: parsed.finishReason } : {}),
      };
    }
  }
  // Plain text, like the shell's $(…): one trailing newline is the line's end, not the output.
  const output = stdout.replace(/\r?\n$/, "");
  return { output, tokens: estimateTokens(request.messages, output) };
}

function tryJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A command's `toolCalls`: `{ name, arguments }` with arguments as JSON text or a value; others are dropped. */
function execToolCalls(calls: unknown[]): ToolCall[] {
  return calls.flatMap((call) => {
    if (typeof call !== "object" || call === null) return [];
    const { name, arguments: args } = call as { name?: unknown; arguments?: unknown };
    if (typeof name !== "string") return [];
    return [{ name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) }];
  });
}
