// Where a function worker's entry file (worker/worker-entry.ts) is, as JavaScript a Worker can
// load. Built (dist/, what users run) it is the compiled file next to this one. Run from the
// TypeScript sources (the test suite under vitest) there is no JavaScript: Node 20 does not strip
// types, and vitest's transform does not reach worker threads. Then this folder is transpiled
// once, file by file, with TypeScript (a dev dependency, there wherever the sources are) into a
// temporary folder named after its content, which every test process shares. (Serialising a
// function with toString() avoided this but allowed no imports, so the shared-memory layouts
// were written out twice; a copy of dist/ would be stale after any edit.)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const ENTRY = 'worker/worker-entry';

let entryUrl: URL | undefined;

export function workerEntryUrl(): URL {
  entryUrl ??= import.meta.url.endsWith('.ts') ? transpiledEntry() : new URL(`./${ENTRY}.js`, import.meta.url);
  return entryUrl;
}

function transpiledEntry(): URL {
  const root = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).sort();
  const hash = createHash('sha256');
  const sources = files.map((file) => {
    const source = readFileSync(join(root, file), 'utf8');
    hash.update(`${file}\0${source}\0`);
    return source;
  });
  const target = join(tmpdir(), `archway-worker-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(target)) {
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
    const staging = `${target}-${process.pid}-${threadId}`;
    files.forEach((file, i) => {
      const output = join(staging, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, ts.transpileModule(sources[i], { fileName: file, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    });
    writeFileSync(join(staging, 'package.json'), '{"type":"module"}\n');
    try {
      renameSync(staging, target);
    } catch {
      // Another process got there first with the same files.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return pathToFileURL(join(target, `${ENTRY}.js`));
}
