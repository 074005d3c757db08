// Watches folder trees for `--functions`: one non-recursive watcher per directory. Node 20's
// recursive `fs.watch` on Linux follows files by inode, so a save that writes a new file and
// renames it over the old one (`sed -i`, most editors) is seen once and never again; a
// directory's own watcher reports every rename into it. `node_modules` is watched (a package
// added or removed) but not descended into, to keep the number of watchers small.
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

const UNWATCHED = new Set(['.git', '.archway']);
const NOT_DESCENDED = 'node_modules';

export interface FolderWatcher {
  /** Watches `roots` (recursively, or just the directory itself) again after the tree changed. */
  sync(roots: readonly { dir: string; recursive: boolean }[]): void;
  close(): void;
}

export function watchFolders(onEvent: () => void, onError: (error: Error) => void): FolderWatcher {
  const watchers = new Map<string, FSWatcher>();
  return {
    sync(roots) {
      const wanted = new Set<string>();
      for (const root of roots) {
        if (root.recursive) collectDirectories(root.dir, wanted);
        else wanted.add(root.dir);
      }
      for (const [dir, watcher] of watchers) {
        if (wanted.has(dir)) continue;
        watcher.close();
        watchers.delete(dir);
      }
      for (const dir of wanted) {
        if (watchers.has(dir)) continue;
        try {
          const watcher = watch(dir, onEvent);
          // A watched directory that is removed reports an error; the next sync forgets it.
          watcher.on('error', () => {
            watcher.close();
            watchers.delete(dir);
          });
          watchers.set(dir, watcher);
        } catch (error) {
          onError(error as Error);
        }
      }
    },
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function collectDirectories(dir: string, into: Set<string>): void {
  into.add(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // removed while we looked
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || UNWATCHED.has(entry.name)) continue;
    if (entry.name === NOT_DESCENDED) into.add(join(dir, entry.name));
    else collectDirectories(join(dir, entry.name), into);
  }
}
