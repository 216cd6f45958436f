import { type FSWatcher, statSync, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname } from "node:path";

export interface EntryWatch {
  close(): void;
}

/**
 * `byName` is true when an event named the file itself (or named nothing): the file must be read
 * again. False means something else in its folder changed; a stat tells whether the file did too.
 */
export type EntryChanged = (byName: boolean) => Promise<void>;

const DEBOUNCE_MS = 50;
const MAX_RESTART_DELAY_MS = 1000;

/**
 * Watches one file through its directory. Watching the file itself would follow its inode, which an
 * atomic replace (write temp, rename over) leaves behind; the directory sees the rename. Events for
 * other names are not all ignored, because Kubernetes ConfigMap volumes swap a `..data` symlink
 * rather than the file. Bursts are debounced and changes handled one at a time. The directory
 * watcher dies silently when the directory is removed or replaced, so it is checked after every
 * event and recreated (with backoff, until the directory is back).
 */
export function watchDirectoryEntry(
  file: string,
  onChange: EntryChanged,
  onError: (error: Error) => void,
): EntryWatch {
  const dir = dirname(file);
  const name = basename(file);
  const dirName = basename(dir);
  let watcher: FSWatcher | undefined;
  let dirIdentity: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restartDelay = DEBOUNCE_MS;
  let byName = false;
  // Linux reports the removal of the watched directory as an event named after the directory.
  let dirEvent = false;
  let running = false;
  let rerun = false;
  let closed = false;

  const start = (restarted: boolean) => {
    restartTimer = undefined;
    if (closed) return;
    try {
      dirIdentity = identity(statSync(dir));
      // persistent: false, so that watching prompts never keeps an application's process alive.
      watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename === dirName) dirEvent = true;
        schedule(!filename || filename === name);
      });
      watcher.on("error", (error) => {
        onError(error);
        restart();
      });
    } catch {
      restart();
      return;
    }
    restartDelay = DEBOUNCE_MS;
    // Whatever happened while nothing was watching (including between the first read and now).
    schedule(restarted);
  };

  const restart = () => {
    watcher?.close();
    watcher = undefined;
    if (closed || restartTimer) return;
    restartTimer = setTimeout(() => start(true), restartDelay).unref();
    restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
  };

  const schedule = (named: boolean) => {
    if (closed) return;
    byName ||= named;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS).unref();
  };

  const run = async () => {
    timer = undefined;
    if (running) {
      rerun = true;
      return;
    }
    running = true;
    const named = byName;
    const replaced = dirEvent;
    byName = false;
    dirEvent = false;
    try {
      // A recreated directory can get the inode number of the removed one: the event name tells too.
      const sameDirectory = await stat(dir).then(
        (info) => identity(info) === dirIdentity,
        () => false,
      );
      if (replaced || !sameDirectory) {
        await onChange(true);
        restart();
      } else await onChange(named);
    } catch (error) {
      onError(error as Error);
    } finally {
      running = false;
      if (rerun && !closed) {
        rerun = false;
        schedule(false);
      }
    }
  };

  start(false);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (restartTimer) clearTimeout(restartTimer);
      watcher?.close();
      watcher = undefined;
    },
  };
}

function identity(info: { dev: number; ino: number; birthtimeMs: number }): string {
  return `${info.dev}:${info.ino}:${info.birthtimeMs}`;
}
