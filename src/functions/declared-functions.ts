// `archway start --functions PATH` (Archway's own feature; AWS has none): functions declared
// from a folder — one sub-folder per function, named after it, handler `index.handler` — or
// from a YAML file:
//
//   functions:
//     hello:                      # the function name
//       code: ./hello             # folder, relative to the YAML file (default ./{name})
//       handler: index.handler    # default
//       runtime: nodejs20.x       # default
//       timeout: 3                # seconds, default 3
//       memorySize: 128           # MB, default 128
//       environment: { GREETING: hi }
//
// The code runs from the folder itself (no zip). Any change under PATH (or the YAML file and
// its code folders) rescans after a short quiet time; a function whose files changed gets a new
// revision, so its next invocation starts a fresh worker with the new code — no redeploy, no
// restart — unless its handler file no longer parses. Declared functions live in memory and are
// read-only through the lambda API.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { functionArn, LATEST, lambdaDate, NODE_RUNTIMES, type FunctionDefinition, type NodeRuntime } from './model.js';
import { newRevisionId, type FunctionRegistry } from './registry.js';
import { watchFolders } from './folder-watcher.js';
import { handlerSyntaxError } from './handler-syntax.js';

export interface DeclaredFunction {
  name: string;
  codeDir: string;
  handler: string;
  runtime: NodeRuntime;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
}

export interface DeclaredFunctions {
  /** Names currently declared. */
  readonly names: readonly string[];
  /** Rescans now (the watcher calls this after changes settle). */
  reload(): Promise<void>;
  close(): void;
}

export interface DeclareOptions {
  watch?: boolean;
  settleMs?: number;
  onReload?: (changed: string[], removed: string[]) => void;
  onError?: (error: Error) => void;
  /** A function's handler file does not parse (`file:line: SyntaxError: …`); `keptPrevious` when its last good code stays. */
  onCompileError?: (name: string, message: string, keptPrevious: boolean) => void;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_RUNTIME: NodeRuntime = 'nodejs20.x';
const SKIPPED_DIRECTORIES = new Set(['.git', '.archway']);

export class DeclarationError extends Error {}

/** Reads the declarations at `path` (a folder or a YAML file). */
export function readDeclarations(path: string): DeclaredFunction[] {
  const absolute = resolve(path);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (stat === undefined) throw new DeclarationError(`--functions ${path}: no such file or folder`);
  if (stat.isDirectory()) {
    return readdirSync(absolute, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => {
        if (!NAME.test(entry.name)) throw new DeclarationError(`--functions: folder '${entry.name}' is not a valid function name (a-zA-Z0-9_-, up to 64)`);
        return { name: entry.name, codeDir: join(absolute, entry.name), handler: 'index.handler', runtime: DEFAULT_RUNTIME, timeout: 3, memorySize: 128, environment: {} };
      });
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new DeclarationError(`--functions ${path}: ${(error as Error).message}`);
  }
  const list = (document as { functions?: unknown } | null)?.functions;
  const entries: [string, Record<string, unknown>][] = Array.isArray(list)
    ? list.map((item: Record<string, unknown>) => [String(item?.name ?? ''), item ?? {}])
    : list !== null && typeof list === 'object'
      ? Object.entries(list as Record<string, Record<string, unknown>>).map(([name, item]) => [name, item ?? {}])
      : [];
  if (entries.length === 0) throw new DeclarationError(`--functions ${path}: expected a 'functions' map (name → code, handler, runtime, environment, timeout)`);
  const base = dirname(absolute);
  return entries.map(([name, item]) => {
    const where = `--functions ${path}: function '${name}'`;
    if (!NAME.test(name)) throw new DeclarationError(`${where}: not a valid function name (a-zA-Z0-9_-, up to 64)`);
    const runtime = String(item.runtime ?? DEFAULT_RUNTIME);
    if (!(NODE_RUNTIMES as readonly string[]).includes(runtime)) throw new DeclarationError(`${where}: runtime must be one of ${NODE_RUNTIMES.join(', ')}`);
    const timeout = Number(item.timeout ?? 3);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw new DeclarationError(`${where}: timeout must be 1-900 seconds`);
    const memorySize = Number(item.memorySize ?? item.memory ?? 128);
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) throw new DeclarationError(`${where}: memorySize must be 128-10240 MB`);
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries((item.environment ?? {}) as Record<string, unknown>)) environment[key] = String(value);
    const codeDir = resolve(base, String(item.code ?? item.codePath ?? `./${name}`));
    if (!statSync(codeDir, { throwIfNoEntry: false })?.isDirectory()) throw new DeclarationError(`${where}: code folder ${codeDir} does not exist`);
    return { name, codeDir, handler: String(item.handler ?? 'index.handler'), runtime: runtime as NodeRuntime, timeout, memorySize, environment };
  });
}

/** A digest of the folder's files (paths, sizes, modification times): what "changed" means. */
export function folderSignature(directory: string): { digest: string; size: number } {
  const hash = createHash('sha256');
  let size = 0;
  const walk = (dir: string, prefix: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const stat = statSync(full);
        size += stat.size;
        hash.update(`${prefix}${entry.name}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(directory, '');
  return { digest: hash.digest('base64'), size };
}

function definitionOf(declared: DeclaredFunction, signature: { digest: string; size: number }, registry: FunctionRegistry): FunctionDefinition {
  return {
    name: declared.name,
    latest: {
      FunctionName: declared.name,
      FunctionArn: functionArn(registry.region, registry.accountId, declared.name),
      Runtime: declared.runtime,
      Role: `arn:aws:iam::${registry.accountId}:role/archway-declared-function`,
      Handler: declared.handler,
      CodeSize: signature.size,
      Description: `Declared by --functions (${declared.codeDir})`,
      Timeout: declared.timeout,
      MemorySize: declared.memorySize,
      LastModified: lambdaDate(),
      CodeSha256: signature.digest,
      Version: LATEST,
      RevisionId: newRevisionId(),
      Architectures: ['x86_64'],
      code: { kind: 'folder', path: declared.codeDir },
      ...(Object.keys(declared.environment).length > 0 ? { Environment: { Variables: declared.environment } } : {}),
    },
    versions: {},
    aliases: {},
    policies: {},
    nextVersion: 1,
    declared: true,
  };
}

interface Current {
  declared: DeclaredFunction;
  signature: string;
  config: string;
}

/**
 * Declares the functions at `path` in the registry and, with `watch`, keeps them current. A
 * function whose handler file no longer parses is reported (`onCompileError`) and keeps its
 * last good revision, so its warm workers go on serving the code they loaded.
 */
export async function declareFunctions(path: string, registry: FunctionRegistry, options: DeclareOptions = {}): Promise<DeclaredFunctions> {
  const absolute = resolve(path);
  const isFolder = statSync(absolute, { throwIfNoEntry: false })?.isDirectory() === true;
  let current = new Map<string, Current>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const watcher = options.watch ? watchFolders(() => schedule(), (error) => options.onError?.(error)) : undefined;

  const reload = async (): Promise<void> => {
    const next = new Map<string, Current>();
    const changed: string[] = [];
    for (const declared of readDeclarations(absolute)) {
      const signature = folderSignature(declared.codeDir);
      const config = JSON.stringify(declared);
      const previous = current.get(declared.name);
      if (previous !== undefined && previous.signature === signature.digest && previous.config === config) {
        next.set(declared.name, previous);
        continue;
      }
      const syntaxError = await handlerSyntaxError(declared.codeDir, declared.handler);
      if (syntaxError !== undefined) options.onCompileError?.(declared.name, syntaxError, previous !== undefined);
      if (syntaxError !== undefined && previous !== undefined) {
        next.set(declared.name, previous);
        continue;
      }
      next.set(declared.name, { declared, signature: signature.digest, config });
      registry.declare(definitionOf(declared, signature, registry));
      changed.push(declared.name);
    }
    const removed = [...current.keys()].filter((name) => !next.has(name));
    for (const name of removed) registry.undeclare(name);
    current = next;
    watcher?.sync(isFolder
      ? [{ dir: absolute, recursive: true }]
      : [{ dir: dirname(absolute), recursive: false }, ...[...next.values()].map((entry) => ({ dir: entry.declared.codeDir, recursive: true }))]);
    if (changed.length > 0 || removed.length > 0) options.onReload?.(changed, removed);
  };

  /** One reload at a time; changes during one run another after it. */
  const run = (): void => {
    if (running !== undefined) {
      again = true;
      return;
    }
    // A half-saved YAML file or a folder mid-rename: keep serving what was declared.
    running = reload().catch((error: unknown) => options.onError?.(error as Error)).finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        run();
      }
    });
  };

  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(run, options.settleMs ?? 100);
  };

  await reload();
  return {
    get names() {
      return [...current.keys()];
    },
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
