// Unpacked function code on disk, one directory per code SHA-256 (versions that share code
// share it): `{dataDir}/functions/{sha}` for a file store, a temporary directory for
// `--in-memory` (removed on close).
//
// - A zip is unpacked asynchronously (inflate on zlib's thread pool, async writes), so the
//   gateway keeps serving meanwhile, into a temporary sibling `.{sha}-XXXXXX` that is renamed
//   into place; then a completion marker `{sha}.complete` is written (atomically), holding the listing of
//   the tree (path, type, size, mtime, mode). A directory is used only when its marker exists
//   and the tree still matches it (checked once per process), so a half-unpacked directory
//   left by a crash, or one changed since, is unpacked again.
// - The tree is read-only once unpacked (files 0444, or 0555 when the archive marked them
//   executable; directories 0555), as Lambda's /var/task is.
// - `retain` / `removeUnpacked` remove the directories of code no function version references.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { FunctionStore } from '../store/function-store.js';
import type { FunctionDefinition, FunctionVersionRecord } from './model.js';
import { inflateEntry, readZipDirectory } from './zip.js';

const MARKER_SUFFIX = '.complete';
const SHA = /^[0-9a-f]{64}$/;

export class CodeCache {
  readonly #root: string;
  readonly #temporary: boolean;
  readonly #store: FunctionStore;
  /** Hashes whose directory is known good in this process. */
  readonly #ready = new Set<string>();
  /** Unpacks (or checks) in progress, one per hash. */
  readonly #pending = new Map<string, Promise<string>>();

  constructor(store: FunctionStore, root?: string) {
    this.#store = store;
    this.#temporary = root === undefined;
    this.#root = root ?? mkdtempSync(join(tmpdir(), 'archway-functions-'));
    mkdirSync(this.#root, { recursive: true });
    // Staging directories of unpacks a previous process did not finish.
    for (const name of readdirSync(this.#root)) {
      if (name.startsWith('.')) removeTreeSync(join(this.#root, name));
    }
  }

  /** Where unpacked code lives. */
  get root(): string {
    return this.#root;
  }

  /** The directory a version's handler is loaded from. */
  async directoryOf(version: FunctionVersionRecord): Promise<string> {
    const code = version.code;
    if (code.kind === 'folder') return code.path;
    const sha = code.sha256Hex;
    if (this.#ready.has(sha)) return join(this.#root, sha);
    let pending = this.#pending.get(sha);
    if (pending === undefined) {
      pending = this.#prepare(sha, version.FunctionName).finally(() => this.#pending.delete(sha));
      this.#pending.set(sha, pending);
    }
    return pending;
  }

  /** Removes the unpacked directory (and marker) of `sha`; nothing when it is not there. */
  async removeUnpacked(sha: string): Promise<void> {
    if (!SHA.test(sha)) return;
    this.#ready.delete(sha);
    // Marker first: a directory left without one is never used.
    await rm(join(this.#root, sha + MARKER_SUFFIX), { force: true });
    await removeTree(join(this.#root, sha));
  }

  /** Removes every unpacked directory whose hash is not in `referenced` (and not being unpacked). */
  async retain(referenced: Iterable<string>): Promise<void> {
    const keep = new Set(referenced);
    let names: string[];
    try {
      names = await readdir(this.#root);
    } catch {
      return;
    }
    const orphans = new Set<string>();
    for (const name of names) {
      const sha = name.endsWith(MARKER_SUFFIX) ? name.slice(0, -MARKER_SUFFIX.length) : name;
      if (SHA.test(sha) && !keep.has(sha) && !this.#pending.has(sha)) orphans.add(sha);
    }
    await Promise.all([...orphans].map((sha) => this.removeUnpacked(sha).catch(() => undefined)));
  }

  close(): void {
    if (this.#temporary) removeTreeSync(this.#root);
  }

  async #prepare(sha: string, functionName: string): Promise<string> {
    const target = join(this.#root, sha);
    const marker = join(this.#root, sha + MARKER_SUFFIX);
    if (await isIntact(target, marker)) {
      this.#ready.add(sha);
      return target;
    }
    const zip = await this.#store.getCode(sha);
    if (zip === undefined) throw new Error(`code ${sha} of ${functionName} is missing from the store`);
    // Whatever is there is incomplete or was changed: start again.
    await rm(marker, { force: true });
    await removeTree(target);
    const staging = await mkdtemp(join(this.#root, `.${sha}-`));
    let listing: string[];
    try {
      await unpack(zip, staging);
      listing = await snapshot(staging);
      await rename(staging, target);
    } catch (error) {
      await removeTree(staging);
      throw error;
    }
    const temporaryMarker = join(this.#root, `.${sha}${MARKER_SUFFIX}-${process.pid}`);
    await writeFile(temporaryMarker, JSON.stringify(listing));
    await rename(temporaryMarker, marker);
    this.#ready.add(sha);
    return target;
  }
}

/** The hashes of the zip code every version of `definitions` runs (what `retain` keeps). */
export function referencedCode(definitions: Iterable<FunctionDefinition>): Set<string> {
  const shas = new Set<string>();
  for (const definition of definitions) {
    for (const version of [definition.latest, ...Object.values(definition.versions)]) {
      if (version.code.kind === 'zip') shas.add(version.code.sha256Hex);
    }
  }
  return shas;
}

/**
 * Writes a zip's entries under `directory`, then makes the tree read-only. Nothing is written
 * when an entry would land outside it, or when the archive is over the unzipped quota.
 */
export async function unpack(zip: Buffer, directory: string): Promise<void> {
  const root = resolve(directory);
  const entries = readZipDirectory(zip);
  const targets = entries.map((entry) => {
    const target = resolve(root, entry.name);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`zip entry ${entry.name} escapes the code directory`);
    return target;
  });
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const target = targets[i];
    if (entry.name.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const executable = entry.mode !== undefined && (entry.mode & 0o111) !== 0;
    // Written writable (a later entry may replace it), made read-only below.
    await writeFile(target, await inflateEntry(zip, entry), { mode: executable ? 0o755 : 0o644 });
  }
  await makeReadOnly(root, entries.map((entry, i) => ({ target: targets[i], executable: entry.mode !== undefined && (entry.mode & 0o111) !== 0 })));
}

async function makeReadOnly(root: string, files: { target: string; executable: boolean }[]): Promise<void> {
  const directories = new Set<string>([root]);
  for (const { target, executable } of files) {
    const stats = await lstat(target);
    if (stats.isDirectory()) directories.add(target);
    else await chmod(target, executable ? 0o555 : 0o444);
    for (let dir = dirname(target); dir.startsWith(root + sep); dir = dirname(dir)) directories.add(dir);
  }
  // Deepest first, so that each is still writable while its children change.
  for (const dir of [...directories].sort((a, b) => b.length - a.length)) await chmod(dir, 0o555);
}

/** The tree under `root` as sorted lines: relative path, type, size, mtime (files), mode. */
async function snapshot(root: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const stats = await lstat(path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isDirectory()) {
        lines.push(`${prefix}${name}/\td\t${mode}`);
        await walk(path, `${prefix}${name}/`);
      } else {
        lines.push(`${prefix}${name}\t${stats.isFile() ? 'f' : 'o'}\t${stats.size}\t${stats.mtimeMs}\t${mode}`);
      }
    }
  };
  await walk(root, '');
  return lines.sort();
}

/** Whether `target` is a finished unpack that nobody changed since (its marker's listing). */
async function isIntact(target: string, marker: string): Promise<boolean> {
  let expected: unknown;
  try {
    expected = JSON.parse(await readFile(marker, 'utf8'));
  } catch {
    return false;
  }
  try {
    const actual = await snapshot(target);
    return Array.isArray(expected) && expected.length === actual.length && actual.every((line, i) => line === expected[i]);
  } catch {
    return false;
  }
}

/** `rm -rf` of a tree whose directories may be read-only. */
async function removeTree(path: string): Promise<void> {
  try {
    await makeWritable(path);
  } catch {
    // Gone already, or not ours to change: rm says which.
  }
  await rm(path, { recursive: true, force: true });
}

async function makeWritable(dir: string): Promise<void> {
  const stats = await lstat(dir);
  if (!stats.isDirectory()) return;
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}

function removeTreeSync(path: string): void {
  const writable = (dir: string): void => {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) writable(join(dir, entry.name));
  };
  try {
    if (existsSync(path)) writable(path);
  } catch {
    // rm below reports what matters.
  }
  rmSync(path, { recursive: true, force: true });
}
