import type { ChildProcess } from "node:child_process";
import { GitError } from "./git-error.js";
import { spawnFailureMessage, spawnGit } from "./run-git.js";

export interface GitObject {
  sha: string;
  /** "blob", "tree", "commit" or "tag". */
  type: string;
  size: number;
  content: Buffer;
}

interface PendingRead {
  spec: string;
  resolve: (object: GitObject | null) => void;
  reject: (error: Error) => void;
}

type Handle = { ref?: () => void; unref?: () => void } | null | undefined;

export interface CatFileBatchOptions {
  /**
   * Memory for each object's content, `size` bytes long: by default a new Buffer. Reading
   * gigabytes of blobs one after another (the lockfile's history) into new Buffers makes V8 run a
   * full GC every few megabytes; a reader that is done with each blob in turn can reuse memory.
   */
  allocate?: (size: number) => Buffer;
}

const ARGS = ["cat-file", "--batch"];
// "<sha> <type> <size>": sha-1 or sha-256 repositories.
const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/;

/**
 * One `git cat-file --batch` process answering any number of reads, in order, so that
 * `promptops verify` reads thousands of blobs with one process instead of thousands.
 *
 * Requests are written as they come and answers parsed off stdout by the sizes git
 * announces, so content may hold anything: binary, newlines, the word "missing". The
 * process starts on the first read. While no read is waiting it does not keep Node
 * alive, so a forgotten close() cannot hang the CLI at exit; still, call close() (or use
 * `await using`).
 */
export class CatFileBatch {
  readonly #root: string;
  readonly #allocate: (size: number) => Buffer;
  #child: ChildProcess | undefined;
  #pending: PendingRead[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  #header: { sha: string; type: string; size: number } | undefined;
  #stderr: Buffer[] = [];
  #failure: Error | undefined;
  #closing = false;
  #exited: Promise<void> | undefined;

  constructor(root: string, options: CatFileBatchOptions = {}) {
    this.#root = root;
    this.#allocate = options.allocate ?? Buffer.allocUnsafe;
  }

  /**
   * Read an object by any name cat-file accepts: a sha, "<commit>:<path>" (path relative
   * to the repository root), "<tag>^{commit}". Resolves null when it does not exist.
   */
  read(spec: string): Promise<GitObject | null> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(new Error("CatFileBatch.read() after close()"));
    // git reads one name per line and drops a CR before the LF.
    if (/[\n\0]|\r$/.test(spec)) {
      return Promise.reject(
        new Error(`cannot ask git cat-file for a name with a line break: ${JSON.stringify(spec)}`),
      );
    }
    const child = this.#start();
    return new Promise((resolve, reject) => {
      this.#pending.push({ spec, resolve, reject });
      this.#keepAlive(true);
      child.stdin?.write(`${spec}\n`);
    });
  }

  /** Let git answer what was asked, then end it. Pending reads still resolve. */
  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#child) return;
    // Until git has exited, keep Node alive, or code awaiting close() would never resume.
    this.#keepAlive(true);
    this.#child.stdin?.end();
    await this.#exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #start(): ChildProcess {
    if (this.#child) return this.#child;
    const child = spawnGit(this.#root, ARGS, { stdin: "pipe" });
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.on("close", (exitCode, signal) => {
        if (this.#pending.length > 0 || (!this.#closing && !this.#failure)) {
          this.#fail(
            new GitError({
              args: ARGS,
              cwd: this.#root,
              stderr: Buffer.concat(this.#stderr).toString("utf8"),
              exitCode,
              signal,
            }),
          );
        }
        resolve();
      });
    });
    child.on("error", (cause) => {
      const message = spawnFailureMessage(ARGS, this.#root, cause);
      this.#fail(new GitError({ args: ARGS, cwd: this.#root, exitCode: null, message, cause }));
    });
    // A write after git died fails with EPIPE; the close handler reports the real reason.
    child.stdin?.on("error", () => {});
    child.stderr?.on("data", (chunk: Buffer) => this.#stderr.push(chunk));
    child.stdout?.on("data", (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      this.#parse();
    });
    return child;
  }

  #parse(): void {
    while (!this.#failure) {
      if (!this.#header) {
        const newline = this.#indexOfNewline();
        if (newline === -1) return;
        const line = this.#take(newline).toString("utf8");
        this.#take(1);
        this.#answer(line);
        continue;
      }
      // The content is followed by a "\n" that is not part of it.
      const { sha, type, size } = this.#header;
      if (this.#buffered < size + 1) return;
      const content = this.#take(size, this.#allocate(size));
      this.#take(1);
      this.#header = undefined;
      this.#settle()?.resolve({ sha, type, size, content });
    }
  }

  /** Handle a header line: an object follows, or the answer is "missing". */
  #answer(line: string): void {
    const request = this.#pending[0];
    const header = HEADER.exec(line);
    if (!request) {
      this.#protocolError(`unrequested output ${JSON.stringify(line)}`);
    } else if (header) {
      this.#header = { sha: header[1]!, type: header[2]!, size: Number(header[3]) };
    } else if (line === `${request.spec} missing`) {
      this.#settle()?.resolve(null);
    } else if (line === `${request.spec} ambiguous`) {
      const message = `git cat-file: ambiguous object name: ${request.spec}`;
      this.#settle()?.reject(new GitError({ args: ARGS, cwd: this.#root, exitCode: null, message }));
    } else {
      this.#protocolError(`unexpected answer ${JSON.stringify(line)} to ${JSON.stringify(request.spec)}`);
    }
  }

  #settle(): PendingRead | undefined {
    const request = this.#pending.shift();
    if (this.#pending.length === 0 && !this.#closing) this.#keepAlive(false);
    return request;
  }

  #indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      const index = chunk.indexOf(10);
      if (index !== -1) return offset + index;
      offset += chunk.length;
    }
    return -1;
  }

  /** Remove and return the next n buffered bytes, copied so no stdout chunk stays pinned. */
  #take(n: number, out: Buffer = Buffer.allocUnsafe(n)): Buffer {
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    this.#buffered -= n;
    return out;
  }

  #protocolError(detail: string): void {
    this.#fail(
      new GitError({
        args: ARGS,
        cwd: this.#root,
        exitCode: null,
        message: `git cat-file --batch: ${detail}`,
      }),
    );
    this.#child?.kill();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const request of this.#pending.splice(0)) request.reject(this.#failure);
    this.#keepAlive(false);
  }

  #keepAlive(on: boolean): void {
    const child = this.#child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as Handle[]) {
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}

/**
 * The blobs at `path` in `commit` for every request, in request order (null where the
 * path does not exist at that commit), read with one git process.
 */
export async function readFilesAtCommits(
  root: string,
  requests: ReadonlyArray<{ commit: string; path: string }>,
): Promise<Array<GitObject | null>> {
  const batch = new CatFileBatch(root);
  try {
    return await Promise.all(requests.map(({ commit, path }) => batch.read(`${commit}:${path}`)));
  } finally {
    await batch.close();
  }
}
