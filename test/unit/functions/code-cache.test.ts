// Unpacked code on disk: atomic with a completion marker, read-only, checked after a restart,
// removed when no version references it.
import { describe, it, expect, afterEach } from 'vitest';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCache, referencedCode } from '../../../src/functions/code-cache.js';
import { createZip } from '../../../src/functions/zip.js';
import { setMode } from '../../helpers/zip-craft.js';
import type { FunctionStore } from '../../../src/store/function-store.js';
import type { FunctionDefinition, FunctionVersionRecord } from '../../../src/functions/model.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) {
    // The trees are read-only: make them writable to clean up (as CodeCache does).
    const writable = (dir: string): void => {
      chmodSync(dir, 0o755);
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) writable(join(dir, entry.name));
    };
    writable(root);
    rmSync(root, { recursive: true, force: true });
  }
});

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'code-cache-'));
  roots.push(root);
  const blobs = new Map<string, Buffer>();
  let reads = 0;
  const store = {
    getCode: (sha: string) => {
      reads++;
      return blobs.get(sha);
    },
  } as unknown as FunctionStore;
  const add = (files: Record<string, string>, craft: (zip: Buffer) => Buffer = (zip) => zip): FunctionVersionRecord => {
    const zip = craft(createZip(files));
    const sha = createHash('sha256').update(zip).digest('hex');
    blobs.set(sha, zip);
    return { FunctionName: 'fn', code: { kind: 'zip', sha256Hex: sha } } as unknown as FunctionVersionRecord;
  };
  return { root, store, add, reads: () => reads };
}

const shaOf = (version: FunctionVersionRecord) => (version.code as { sha256Hex: string }).sha256Hex;
const CODE = { 'index.mjs': 'export const handler = async () => "ok";', 'lib/util.js': 'module.exports = 1;' };

describe('CodeCache', () => {
  it('unpacks read-only, with a completion marker beside the folder', async () => {
    const { root, store, add } = setup();
    const version = add(CODE);
    const dir = await new CodeCache(store, root).directoryOf(version);
    expect(dir).toBe(join(root, shaOf(version)));
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toContain('"ok"');
    expect(existsSync(join(root, `${shaOf(version)}.complete`))).toBe(true);
    for (const path of [dir, join(dir, 'lib')]) expect(statSync(path).mode & 0o777).toBe(0o555);
    for (const path of [join(dir, 'index.mjs'), join(dir, 'lib/util.js')]) expect(statSync(path).mode & 0o777).toBe(0o444);
    if (process.getuid?.() !== 0) expect(() => writeFileSync(join(dir, 'index.mjs'), 'changed')).toThrow(/EACCES|EPERM/);
    // No staging folder left behind.
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('keeps the executable bit of entries the archive marks executable', async () => {
    const { root, store, add } = setup();
    const version = add({ 'bootstrap': '#!/bin/sh', 'data.txt': 'x' }, (zip) => setMode(zip, 0, 0o755));
    const dir = await new CodeCache(store, root).directoryOf(version);
    expect(statSync(join(dir, 'bootstrap')).mode & 0o777).toBe(0o555);
    expect(statSync(join(dir, 'data.txt')).mode & 0o777).toBe(0o444);
  });

  it('reuses an intact folder after a restart without reading the store', async () => {
    const { root, store, add, reads } = setup();
    const version = add(CODE);
    await new CodeCache(store, root).directoryOf(version);
    const readsBefore = reads();
    const dir = await new CodeCache(store, root).directoryOf(version);
    expect(reads()).toBe(readsBefore);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toContain('"ok"');
  });

  it('unpacks again over a half-unpacked folder (no marker) left by a crash', async () => {
    const { root, store, add } = setup();
    const version = add(CODE);
    const target = join(root, shaOf(version));
    mkdirSync(target);
    writeFileSync(join(target, 'index.mjs'), 'export const handler = as');
    const dir = await new CodeCache(store, root).directoryOf(version);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toBe(CODE['index.mjs']);
    expect(readFileSync(join(dir, 'lib/util.js'), 'utf8')).toBe(CODE['lib/util.js']);
  });

  it('unpacks again over a folder changed since (a file edited, added or removed)', async () => {
    const { root, store, add } = setup();
    const version = add(CODE);
    const dir = await new CodeCache(store, root).directoryOf(version);
    const tamper = [
      () => {
        chmodSync(join(dir, 'index.mjs'), 0o644);
        appendFileSync(join(dir, 'index.mjs'), '\nprocess.exit(1);');
      },
      () => {
        chmodSync(dir, 0o755);
        writeFileSync(join(dir, 'extra.js'), 'evil');
      },
      () => {
        chmodSync(join(dir, 'lib'), 0o755);
        rmSync(join(dir, 'lib/util.js'));
      },
    ];
    for (const change of tamper) {
      change();
      const again = await new CodeCache(store, root).directoryOf(version);
      expect(readFileSync(join(again, 'index.mjs'), 'utf8')).toBe(CODE['index.mjs']);
      expect(readFileSync(join(again, 'lib/util.js'), 'utf8')).toBe(CODE['lib/util.js']);
      expect(existsSync(join(again, 'extra.js'))).toBe(false);
    }
  });

  it('removes staging folders a previous process left', () => {
    const { root, store } = setup();
    mkdirSync(join(root, '.abc-123456/deep'), { recursive: true });
    chmodSync(join(root, '.abc-123456'), 0o555);
    new CodeCache(store, root);
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the folders of code no version references, and keeps the others', async () => {
    const { root, store, add } = setup();
    const cache = new CodeCache(store, root);
    const kept = add(CODE);
    const dropped = add({ 'index.mjs': 'export const handler = async () => "old";' });
    await cache.directoryOf(kept);
    await cache.directoryOf(dropped);
    const definitions = [{ latest: kept, versions: {} }] as unknown as FunctionDefinition[];
    await cache.retain(referencedCode(definitions));
    expect(readdirSync(root).sort()).toEqual([shaOf(kept), `${shaOf(kept)}.complete`]);
    // Asked again, it is unpacked again.
    expect(readFileSync(join(await cache.directoryOf(dropped), 'index.mjs'), 'utf8')).toContain('"old"');
    await cache.removeUnpacked(shaOf(dropped));
    expect(existsSync(join(root, shaOf(dropped)))).toBe(false);
    expect(existsSync(join(root, `${shaOf(dropped)}.complete`))).toBe(false);
  });

  it('a temporary cache (--in-memory) removes its read-only tree on close', async () => {
    const { store, add } = setup();
    const cache = new CodeCache(store);
    roots.push(mkdtempSync(join(tmpdir(), 'unused-')));
    await cache.directoryOf(add(CODE));
    cache.close();
    expect(existsSync(cache.root)).toBe(false);
  });
});
