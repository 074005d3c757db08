// `--watch`: runs `onChange` when the imported OpenAPI file's content changes (Archway's own
// feature; AWS has none). Watches the directory, because editors save by writing a new file and
// renaming it over the old one; waits for writes to settle; never runs two reloads at once; a
// save that leaves the bytes unchanged does nothing.
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

export interface FileWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before reloading. */
  settleMs?: number;
}

const DEFAULT_SETTLE_MS = 150;

export function watchFile(file: string, onChange: () => Promise<void>, options: WatchOptions = {}): FileWatcher {
  const path = resolve(file);
  const name = basename(path);
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  // What the caller imported: read now, so a write right after start counts as a change.
  let lastDigest = syncDigest(path);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const digestOf = async (): Promise<string | undefined> => {
    try {
      return createHash('sha256').update(await readFile(path)).digest('hex');
    } catch {
      return undefined; // mid-rename, or deleted: wait for the next event
    }
  };
  const reload = async (): Promise<void> => {
    const digest = await digestOf();
    if (closed || digest === undefined || digest === lastDigest) return;
    lastDigest = digest;
    await onChange();
  };
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    // onChange reports its own failures; one that escapes must not stop the watcher
    running = reload().catch(() => undefined).finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        run();
      }
    });
  };
  const watcher: FSWatcher = watch(dirname(path), (_event, changed) => {
    if (closed || (changed !== null && changed !== name)) return;
    clearTimeout(timer);
    timer = setTimeout(run, settleMs);
  });
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}

function syncDigest(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}
