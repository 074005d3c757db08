// Unpacked function code on disk, one directory per code SHA-256 (versions that share code
// share it): `{dataDir}/functions/{sha}` for a file store, a temporary directory for
// `--in-memory` (removed on close). A zip is unpacked once, into a temporary sibling that is
// renamed into place, so a half-written directory is never used.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { FunctionStore } from '../store/function-store.js';
import type { FunctionVersionRecord } from './model.js';
import { readZip } from './zip.js';

export class CodeCache {
  readonly #root: string;
  readonly #temporary: boolean;
  readonly #store: FunctionStore;

  constructor(store: FunctionStore, root?: string) {
    this.#store = store;
    this.#temporary = root === undefined;
    this.#root = root ?? mkdtempSync(join(tmpdir(), 'archway-functions-'));
    mkdirSync(this.#root, { recursive: true });
  }

  /** The directory a version's handler is loaded from. */
  async directoryOf(version: FunctionVersionRecord): Promise<string> {
    const code = version.code;
    if (code.kind === 'folder') return code.path;
    const target = join(this.#root, code.sha256Hex);
    if (existsSync(target)) return target;
    const zip = await this.#store.getCode(code.sha256Hex);
    if (zip === undefined) throw new Error(`code ${code.sha256Hex} of ${version.FunctionName} is missing from the store`);
    const staging = mkdtempSync(join(this.#root, `.${code.sha256Hex}-`));
    unpack(zip, staging);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another invocation unpacked it first.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(target)) throw error;
    }
    return target;
  }

  close(): void {
    if (this.#temporary) rmSync(this.#root, { recursive: true, force: true });
  }
}

/** Writes a zip's entries under `directory`; entries that would land outside it are refused. */
export function unpack(zip: Buffer, directory: string): void {
  const root = resolve(directory);
  for (const entry of readZip(zip)) {
    const target = resolve(root, entry.name);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`zip entry ${entry.name} escapes the code directory`);
    if (entry.name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data);
    if (entry.mode !== undefined && (entry.mode & 0o111) !== 0) chmodSync(target, 0o755);
  }
}
