// What runs inside each function's worker thread: the Node.js Lambda runtime's job (AWS
// "Lambda runtime interface client" for Node: handler loading, the context object, callback
// and async handlers, error shapes, console log format). The pool starts it with
// `new Worker(WORKER_SOURCE, { eval: true })`, so this function must be self-contained: it is
// serialised with toString() and uses only `require` (the eval'd worker is CommonJS).
//
// Protocol (pool ↔ worker, over the MessagePort in `workerData.port`): the pool posts
// `{ t: 'run', items }`; the worker runs them strictly one after another (one invocation per
// execution environment at a time, as Lambda does). Each answer is published the moment its
// invocation ends, before the next one starts, so an invocation that then blocks the thread
// never holds back an earlier answer: written into the answer ring (`workerData.answers`, shared
// memory the pool reads whenever it likes) and announced by one doorbell message (`0`) per turn
// of the worker's loop, so a burst of quick invocations costs one post; an answer too big for
// the ring, or the last one of a worker that ends, is posted as `{ t: 'done', … }` instead.
// Console output goes out as `{ t: 'log' }` once per turn of the worker's loop while an
// invocation runs; what is left rides on its answer.
//
// Shared memory (`workerData.control`, an Int32Array with the layout below): the pool writes
// each item's sequence number into its ring entry when it hands it over; the worker claims an
// item (seq → -seq, compare-and-swap) before starting it and skips one the pool took back
// (seq → 0). Before a handler starts the worker writes its deadline and then the running seq,
// so the pool can time an invocation from its start and never blames one that has not started,
// and can take back what a busy worker has not started. Error payloads follow the Node runtime:
// `{errorType, errorMessage, trace}`.
import type { MessagePort } from 'node:worker_threads';

/** Ring entries (one per item handed to a worker, by seq modulo this); more than the pool ever hands one worker. */
export const CONTROL_RING = 256;
/** Int32 index: seq of the invocation whose handler runs now (0 = none). */
export const CONTROL_RUNNING = CONTROL_RING;
/** Int32 index: 1 once the Init phase (loading the handler) has ended, well or not. */
export const CONTROL_READY = CONTROL_RING + 1;
/** Float64 index: the running invocation's deadline, epoch ms (performance.timeOrigin + now()). */
export const CONTROL_DEADLINE = (CONTROL_RING + 2) / 2;
/** Float64 index: when the running invocation's handler started, epoch ms. */
export const CONTROL_STARTED = CONTROL_DEADLINE + 1;
/** Int32 indexes: answer-ring positions (bytes, modulo ANSWER_POSITION_MASK + 1), written by the worker and read by the pool. */
export const CONTROL_ANSWER_WRITE = (CONTROL_STARTED + 1) * 2;
export const CONTROL_ANSWER_READ = CONTROL_ANSWER_WRITE + 1;
export const CONTROL_BYTES = (CONTROL_ANSWER_READ + 1) * 4;
/** The answer ring's size (a power of two). */
export const ANSWER_RING_BYTES = 256 * 1024;
export const ANSWER_POSITION_MASK = 0x3fffffff;
/** An answer record's header: Int32 size, id, flags, payload bytes, log bytes, memory MB; Float64 duration, Init duration. */
export const ANSWER_HEADER_BYTES = 40;
/** Answers longer than this (payload and log, UTF-16 units) are posted, not written into the ring. */
export const ANSWER_INLINE_CHARS = 16 * 1024;
/** Flags of an answer record. */
export const ANSWER_OK = 1;
export const ANSWER_HAS_INIT = 2;
/** The size field of a record that marks the rest of the ring as skipped. */
export const ANSWER_WRAP = -1;

/** What the runtime knows of a function version. */
export interface FunctionInit {
  codeDir: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryMb: number;
  logGroupName: string;
  logStreamName: string;
  /** `@aws-sdk/*` the function does not bundle resolve from here (Archway's own module URL), as the Node runtimes ship SDK v3. */
  sdkFallbackUrl?: string;
}

/** What one worker is started with. */
export interface WorkerInit extends FunctionInit {
  control: SharedArrayBuffer;
  /** The answer ring (ANSWER_RING_BYTES). */
  answers: SharedArrayBuffer;
  port: MessagePort;
  /** Lambda's Init-phase limit (ms); a longer Init is charged to the first invocation's Timeout. */
  initTimeoutMs: number;
  /** Largest result (bytes of JSON) a synchronous invocation may return. */
  maxResponseBytes: number;
  /** How often a running invocation's memory is checked (ms). */
  memoryCheckMs: number;
  layout: {
    ring: number; running: number; ready: number; deadline: number; started: number; answerWrite: number; answerRead: number;
    answerMask: number; answerHeader: number; answerInlineChars: number; answerWrap: number;
  };
}

export interface WorkerInvocation {
  id: number;
  /** Per-worker sequence number (the ring entry is seq % CONTROL_RING); set when handed to a worker. */
  seq: number;
  requestId: string;
  payload: string;
  timeoutMs: number;
  invokedArn: string;
  /** Decoded X-Amz-Client-Context (JSON text), if any. */
  clientContext?: string;
}

export type WorkerMessage =
  | { t: 'log'; id: number; text: string }
  | {
    t: 'done'; id: number; ok: boolean; payload: string; durationMs: number; memoryMb: number;
    /** This invocation's log not yet sent. */
    log?: string;
    /** Set on the first answer after the Init phase: how long it took (ms). */
    initMs?: number;
    /** The worker takes no more work: its handler could not be loaded, or it is over its memory. */
    end?: 'fatal' | 'recycle';
  };

export function workerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  const { format } = require('node:util') as typeof import('node:util');
  const v8 = require('node:v8') as typeof import('node:v8');
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as typeof import('node:module') & { _resolveFilename: (...args: unknown[]) => string };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const init = workerData as WorkerInit;
  const port = init.port;
  const { ring, running: RUNNING, ready: READY, deadline: DEADLINE, started: STARTED } = init.layout;
  const { answerWrite: ANSWER_WRITE, answerRead: ANSWER_READ, answerMask: POSITION_MASK, answerHeader: HEADER, answerInlineChars: INLINE_CHARS, answerWrap: WRAP } = init.layout;
  const control = new Int32Array(init.control);
  const deadlines = new Float64Array(init.control);
  const origin = performance.timeOrigin;
  const clock = (): number => origin + performance.now();
  // import() written as a Function so that no bundler or test transform rewrites it.
  const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

  type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;
  interface Item { id: number; seq: number; requestId: string; payload: string; timeoutMs: number; invokedArn: string; clientContext?: string }

  // --- the log: console lines in the Node runtime's text format
  // (`{ISO time}\t{requestId}\t{LEVEL}\t{message}`), raw stdout/stderr text as is.
  let currentId = -1;
  let currentRequestId: string | undefined;
  let pendingLog = '';
  let pendingLogId = -1;
  let logFlushScheduled = false;
  const flushLog = (): void => {
    logFlushScheduled = false;
    if (pendingLog === '') return;
    port.postMessage({ t: 'log', id: pendingLogId, text: pendingLog } satisfies WorkerMessage);
    pendingLog = '';
  };
  const appendLog = (text: string): void => {
    if (pendingLog !== '' && pendingLogId !== currentId) flushLog();
    pendingLogId = currentId;
    pendingLog += text;
    if (!logFlushScheduled) {
      logFlushScheduled = true;
      setImmediate(flushLog);
    }
  };
  /** The current invocation's log not yet sent (it goes out with its answer). */
  const takeLog = (id: number): string => {
    if (pendingLogId !== id) {
      flushLog();
      return '';
    }
    const text = pendingLog;
    pendingLog = '';
    return text;
  };
  const writeLog = (level: string, args: unknown[]): void => {
    const text = format(...args).replaceAll('\n', '\r');
    appendLog(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}\n`);
  };
  const levels: [keyof Console, string][] = [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']];
  for (const [method, level] of levels) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => writeLog(level, args);
  }
  const chunkText = (chunk: unknown, encoding?: unknown): string => {
    if (typeof chunk === 'string') return chunk;
    if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
    return String(chunk);
  };
  // Everything the function writes to stdout or stderr is its log, as in Lambda: the streams
  // (console.dir, console.table, loggers on process.stdout) and fd 1 and 2 (pino's sonic-boom).
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      appendLog(chunkText(chunk, typeof encoding === 'function' ? undefined : encoding));
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
  /** What `fs.write*(fd, data, …)` writes, and its byte count. */
  const fdWrite = (data: unknown, a: unknown, b: unknown): { text: string; bytes: number } => {
    if (typeof data === 'string') return { text: data, bytes: Buffer.byteLength(data, typeof b === 'string' ? b as BufferEncoding : 'utf8') };
    if (!(data instanceof Uint8Array)) return { text: String(data), bytes: 0 };
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let offset = 0;
    let length: number | undefined;
    if (a !== null && typeof a === 'object') {
      offset = (a as { offset?: number }).offset ?? 0;
      length = (a as { length?: number }).length;
    } else {
      offset = typeof a === 'number' ? a : 0;
      length = typeof b === 'number' ? b : undefined;
    }
    const slice = view.subarray(offset, length === undefined ? view.length : offset + length);
    return { text: slice.toString('utf8'), bytes: slice.length };
  };
  const realWriteSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: unknown, a?: unknown, b?: unknown, ...rest: unknown[]): number => {
    if (fd !== 1 && fd !== 2) return (realWriteSync as (...args: unknown[]) => number)(fd, data, a, b, ...rest);
    const written = fdWrite(data, a, b);
    appendLog(written.text);
    return written.bytes;
  }) as typeof fs.writeSync;
  const realWrite = fs.write;
  fs.write = ((fd: number, data: unknown, ...rest: unknown[]): void => {
    if (fd !== 1 && fd !== 2) return (realWrite as (...args: unknown[]) => void)(fd, data, ...rest);
    const callback = rest.pop();
    const written = fdWrite(data, rest[0], rest[1]);
    appendLog(written.text);
    if (typeof callback === 'function') process.nextTick(callback as (...args: unknown[]) => void, null, written.bytes, data);
  }) as typeof fs.write;

  // Before the worker can die (process.exit, an uncaught error) the log is sent.
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    flushLog();
    return realExit(code);
  }) as typeof process.exit;
  process.on('uncaughtExceptionMonitor', () => flushLog());

  // --- the working directory is the code folder (Lambda: /var/task = LAMBDA_TASK_ROOT). A worker
  // cannot chdir, so process.cwd()/chdir() are emulated and fs resolves relative paths against it.
  let cwd = init.codeDir;
  process.cwd = () => cwd;
  process.chdir = (directory: string) => {
    const next = path.resolve(cwd, String(directory));
    if (!fs.statSync(next).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, chdir ${cwd} -> '${directory}'`), { code: 'ENOTDIR' });
    cwd = next;
  };
  const absolute = (value: unknown): unknown => {
    if (typeof value === 'string') return value === '' || path.isAbsolute(value) ? value : path.resolve(cwd, value);
    if (Buffer.isBuffer(value) && value.length > 0 && !path.isAbsolute(value.toString())) return Buffer.from(path.resolve(cwd, value.toString()));
    return value;
  };
  const withPaths = (target: Record<string, unknown>, name: string, positions: number[]): void => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      for (const position of positions) if (position < args.length) args[position] = absolute(args[position]);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    for (const key of Reflect.ownKeys(original)) {
      if (key === 'prototype' || key === 'length' || key === 'arguments' || key === 'caller') continue;
      try {
        Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
      } catch {
        // a property the wrapper cannot take: left off
      }
    }
    target[name] = wrapped;
  };
  const onePath = ['access', 'appendFile', 'chmod', 'chown', 'exists', 'lchmod', 'lchown', 'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'open', 'opendir',
    'readdir', 'readFile', 'readlink', 'realpath', 'rm', 'rmdir', 'stat', 'statfs', 'truncate', 'unlink', 'utimes', 'writeFile'];
  const fsObject = fs as unknown as Record<string, unknown>;
  for (const name of onePath) {
    withPaths(fsObject, name, [0]);
    withPaths(fsObject, `${name}Sync`, [0]);
  }
  for (const name of ['createReadStream', 'createWriteStream', 'openAsBlob', 'watch', 'watchFile', 'unwatchFile']) withPaths(fsObject, name, [0]);
  for (const name of ['copyFile', 'cp', 'link', 'rename']) {
    withPaths(fsObject, name, [0, 1]);
    withPaths(fsObject, `${name}Sync`, [0, 1]);
  }
  // symlink(target, path): the target stays relative to the link, as the OS reads it.
  withPaths(fsObject, 'symlink', [1]);
  withPaths(fsObject, 'symlinkSync', [1]);
  withPaths(fsObject.realpath as Record<string, unknown>, 'native', [0]);
  withPaths(fsObject.realpathSync as Record<string, unknown>, 'native', [0]);
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const name of [...onePath.filter((n) => n !== 'exists'), 'watch']) withPaths(promises, name, [0]);
  for (const name of ['copyFile', 'cp', 'link', 'rename']) withPaths(promises, name, [0, 1]);
  withPaths(promises, 'symlink', [1]);
  (Module as unknown as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();

  // --- `@aws-sdk/*`: the Node runtimes ship SDK v3; what the function does not bundle resolves
  // from Archway's own packages. CommonJS through the resolver; ES modules through a resolve hook,
  // registered only when an import needs it (hooks cost a loader thread).
  const fallbackUrl = init.sdkFallbackUrl;
  const isSdk = (request: unknown): boolean => typeof request === 'string' && request.startsWith('@aws-sdk/');
  if (fallbackUrl !== undefined) {
    const archwayRequire = Module.createRequire(fallbackUrl);
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (this: unknown, request: unknown, ...rest: unknown[]): string {
      try {
        return resolveFilename.call(this, request, ...rest);
      } catch (error) {
        if (!isSdk(request) || (error as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw error;
        try {
          return archwayRequire.resolve(request as string);
        } catch {
          throw error;
        }
      }
    };
  }
  const sdkHooks = (base: string, codeRoot: string): string => `
    const base = ${JSON.stringify(base)};
    const codeRoot = ${JSON.stringify(codeRoot)};
    export async function resolve(specifier, context, next) {
      let resolved;
      try {
        resolved = await next(specifier, context);
      } catch (error) {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('@aws-sdk/')) throw error;
        try { resolved = await next(specifier, { ...context, parentURL: base }); } catch { throw error; }
      }
      // The function's own modules load afresh: the first attempt left them failed in the cache.
      if (resolved.url.startsWith(codeRoot) && !resolved.url.includes('/node_modules/') && !resolved.url.includes('archway-sdk')) {
        resolved = { ...resolved, url: resolved.url + (resolved.url.includes('?') ? '&' : '?') + 'archway-sdk' };
      }
      return resolved;
    }`;
  const importWithSdk = async (file: string): Promise<Record<string, unknown>> => {
    const url = pathToFileURL(file).href;
    try {
      return await importModule(url);
    } catch (error) {
      const missingSdk = fallbackUrl !== undefined && (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND'
        && /^Cannot find package '@aws-sdk\//.test((error as Error).message);
      if (!missingSdk) throw error;
      (Module as unknown as { register(url: string): void }).register(`data:text/javascript,${encodeURIComponent(sdkHooks(fallbackUrl, pathToFileURL(init.codeDir).href + '/'))}`);
      return importModule(`${url}?archway-sdk`);
    }
  };

  // --- errors as the Node runtime serialises them
  const errorPayload = (error: unknown, fallbackType?: string): string => {
    if (error instanceof Error) {
      return JSON.stringify({
        errorType: fallbackType ?? error.name,
        errorMessage: error.message,
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      });
    }
    return JSON.stringify({ errorType: typeof error, errorMessage: String(error), trace: [] });
  };
  const runtimeError = (name: string, message: string, stack?: string): Error => {
    const error = new Error(message);
    error.name = name;
    error.stack = `${name}: ${message}${stack === undefined ? '' : `\n${stack.split('\n').filter((line) => line.startsWith('    at ')).join('\n')}`}`;
    return error;
  };

  // --- handler loading: `dir/file.export[.nested]`, file.js | .mjs | .cjs, ESM or CommonJS
  const loadHandler = async (): Promise<Handler> => {
    const full = init.handler;
    const slash = full.lastIndexOf('/');
    const dot = full.indexOf('.', slash + 1);
    if (dot === -1) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${full}`);
    const modulePath = full.slice(0, dot);
    const exportPath = full.slice(dot + 1).split('.');
    const base = path.resolve(init.codeDir, modulePath);
    const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
    if (file === undefined) {
      const name = modulePath.split('/').pop();
      throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${name}'\nRequire stack:\n- ${path.join(init.codeDir, 'index.mjs')}`);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await importWithSdk(file);
    } catch (error) {
      if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error.stack);
      // As the Node runtime: a CommonJS `require` that finds nothing is Runtime.ImportModuleError;
      // an ES import that finds nothing (ERR_MODULE_NOT_FOUND) goes out as the Error it is.
      if ((error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND') throw runtimeError('Runtime.ImportModuleError', String(error), (error as Error).stack);
      throw error;
    }
    let target: unknown = mod;
    for (const key of exportPath) target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
    // CommonJS modules imported as ESM: named exports may only exist on `default`.
    if (typeof target !== 'function' && mod.default !== undefined) {
      target = mod.default;
      for (const key of exportPath) target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
    }
    if (typeof target !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${full.slice(slash + 1)} is undefined or not exported`);
    return target as Handler;
  };
  let loaded: Handler | undefined;
  let initMs = -1;
  const handlerReady = loadHandler();
  // Registered before any invocation awaits handlerReady, so this runs first.
  const initEnded = (): void => {
    initMs = performance.now();
    Atomics.store(control, READY, 1);
  };
  handlerReady.then((handler) => {
    loaded = handler;
    initEnded();
  }, initEnded);
  let initReported = false;

  // --- memory: MemorySize bounds the V8 heap (resourceLimits) and, checked here after each
  // invocation and every memoryCheckMs while one runs, the heap plus Buffers/ArrayBuffers.
  const limitBytes = init.memoryMb * 1024 * 1024;
  const MEMORY_CHECK_AFTER_MS = 1;
  const usedBytes = (): number => {
    const heap = v8.getHeapStatistics() as ReturnType<typeof v8.getHeapStatistics> & { external_memory?: number };
    return heap.used_heap_size + (heap.external_memory ?? 0);
  };
  let collect: (() => void) | undefined;
  /** The running invocation's highest reading, and the latest reading. */
  let peakBytes = 0;
  let lastBytes = 0;
  let lastCheck = 0;
  /**
   * Memory in use now, counted into the invocation's peak; true when over MemorySize even after
   * a full collection (garbage Buffers are not memory in use; V8 settles freed ArrayBuffers'
   * accounting at the next collection, hence two).
   */
  const overLimit = (): boolean => {
    lastCheck = performance.now();
    let used = usedBytes();
    if (used > limitBytes) {
      if (collect === undefined) {
        v8.setFlagsFromString('--expose-gc');
        collect = vm.runInNewContext('gc') as () => void;
        v8.setFlagsFromString('--no-expose-gc');
      }
      collect();
      collect();
      used = usedBytes();
    }
    lastBytes = used;
    if (used > peakBytes) peakBytes = used;
    return used > limitBytes;
  };
  let interrupt: ((reason: unknown) => void) | undefined;
  const OUT_OF_MEMORY = Symbol('out of memory');
  setInterval(() => {
    if (interrupt !== undefined && overLimit()) interrupt(OUT_OF_MEMORY);
  }, init.memoryCheckMs).unref();

  let dead = false;
  // --- answers: into the ring when they fit, else posted (see the protocol above)
  const answerBytes = Buffer.from(init.answers);
  const answerInts = new Int32Array(init.answers);
  const answerFloats = new Float64Array(init.answers);
  const ringSize = answerBytes.length;
  let writePosition = 0;
  let doorbellScheduled = false;
  const ringDoorbell = (): void => {
    doorbellScheduled = false;
    port.postMessage(0);
  };
  const writeAnswer = (message: Extract<WorkerMessage, { t: 'done' }>): boolean => {
    const log = message.log ?? '';
    if (message.end !== undefined || message.payload.length + log.length > INLINE_CHARS) return false;
    const payloadBytes = Buffer.byteLength(message.payload);
    const logBytes = log === '' ? 0 : Buffer.byteLength(log);
    const size = (HEADER + payloadBytes + logBytes + 7) & ~7;
    const used = (writePosition - Atomics.load(control, ANSWER_READ)) & POSITION_MASK;
    let offset = writePosition & (ringSize - 1);
    const skip = offset + size > ringSize ? ringSize - offset : 0;
    if (used + skip + size > ringSize) return false;
    if (skip > 0) {
      answerInts[offset >> 2] = WRAP;
      offset = 0;
    }
    const at = offset >> 2;
    answerInts[at] = size;
    answerInts[at + 1] = message.id;
    answerInts[at + 2] = (message.ok ? 1 : 0) | (message.initMs === undefined ? 0 : 2);
    answerInts[at + 3] = payloadBytes;
    answerInts[at + 4] = logBytes;
    answerInts[at + 5] = message.memoryMb;
    answerFloats[(offset + 24) >> 3] = message.durationMs;
    answerFloats[(offset + 32) >> 3] = message.initMs ?? 0;
    answerBytes.write(message.payload, offset + HEADER, payloadBytes, 'utf8');
    if (logBytes > 0) answerBytes.write(log, offset + HEADER + payloadBytes, logBytes, 'utf8');
    writePosition = (writePosition + skip + size) & POSITION_MASK;
    Atomics.store(control, ANSWER_WRITE, writePosition);
    if (!doorbellScheduled) {
      doorbellScheduled = true;
      setImmediate(ringDoorbell);
    }
    return true;
  };
  const send = (message: Extract<WorkerMessage, { t: 'done' }>): void => {
    if (!writeAnswer(message)) port.postMessage(message);
  };

  const runOne = async (item: Item): Promise<void> => {
    currentId = item.id;
    currentRequestId = item.requestId;
    let handler = loaded;
    if (handler === undefined) {
      try {
        handler = await handlerReady;
      } catch (error) {
        const payload = errorPayload(error);
        writeLog('ERROR', [`Uncaught Exception \t${payload}`]);
        dead = true;
        send({ t: 'done', id: item.id, ok: false, payload, durationMs: 0, memoryMb: Math.round(usedBytes() / 1048576), log: takeLog(item.id), end: 'fatal' });
        return;
      }
    }
    const started = clock();
    // The Timeout runs from the handler's start. An Init past its limit is charged to the first
    // invocation, as Lambda re-runs Init within that invocation's Timeout.
    const deadline = !initReported && initMs > init.initTimeoutMs ? origin + item.timeoutMs : started + item.timeoutMs;
    deadlines[DEADLINE] = deadline;
    deadlines[STARTED] = started;
    Atomics.store(control, RUNNING, item.seq);
    let outcome: { ok: boolean; payload: string; end?: 'recycle' };
    try {
      const event: unknown = JSON.parse(item.payload);
      const result = await new Promise<unknown>((resolveResult, reject) => {
        let settled = false;
        const callback = (error?: unknown, value?: unknown): void => {
          if (settled) return;
          settled = true;
          interrupt = undefined;
          if (error !== undefined && error !== null) reject(error);
          else resolveResult(value);
        };
        interrupt = (reason) => {
          if (settled) return;
          settled = true;
          interrupt = undefined;
          reject(reason);
        };
        const context = {
          callbackWaitsForEmptyEventLoop: true,
          functionName: init.functionName,
          functionVersion: init.functionVersion,
          invokedFunctionArn: item.invokedArn,
          memoryLimitInMB: String(init.memoryMb),
          awsRequestId: item.requestId,
          logGroupName: init.logGroupName,
          logStreamName: init.logStreamName,
          identity: undefined,
          clientContext: item.clientContext === undefined ? undefined : JSON.parse(item.clientContext) as unknown,
          getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - clock())),
          done: callback,
          succeed: (value: unknown) => callback(null, value),
          fail: (error: unknown) => callback(error ?? 'handled'),
        };
        const returned = handler(event, context, callback);
        if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
          (returned as Promise<unknown>).then((value) => callback(null, value), (error: unknown) => callback(error ?? new Error('null')));
        } else if (handler.length < 3) {
          // A synchronous handler that takes no callback: the runtime answers null once it returns.
          setImmediate(() => callback(null, null));
        }
      });
      const payload = result === undefined ? 'null' : JSON.stringify(result) ?? 'null';
      // Lambda's response limit (Invoke: 200 with X-Amz-Function-Error: Unhandled).
      const bytes = payload.length * 3 <= init.maxResponseBytes ? 0 : Buffer.byteLength(payload);
      outcome = bytes > init.maxResponseBytes
        ? { ok: false, payload: JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${init.maxResponseBytes} bytes).` }) }
        : { ok: true, payload };
    } catch (error) {
      if (error === OUT_OF_MEMORY) {
        outcome = { ok: false, payload: '', end: 'recycle' };
      } else {
        const payload = errorPayload(error);
        const logged = error instanceof Error
          ? JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: typeof error.stack === 'string' ? error.stack.split('\n') : [] })
          : payload;
        writeLog('ERROR', [`Invoke Error \t${logged}`]);
        outcome = { ok: false, payload };
      }
    }
    interrupt = undefined;
    Atomics.store(control, RUNNING, 0);
    // Checked after an invocation: when no other waits, else once a millisecond at most (a burst
    // of quick invocations shares a check).
    if (outcome.end === 'recycle' || ((queue.length === 0 || performance.now() - lastCheck >= MEMORY_CHECK_AFTER_MS) && overLimit())) {
      // AWS ends an execution environment over its memory; the invocation fails as the runtime's exit.
      outcome = { ok: false, payload: JSON.stringify({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${item.requestId} Error: Runtime exited with error: signal: killed` }), end: 'recycle' };
      dead = true;
    }
    const message: WorkerMessage = {
      t: 'done', id: item.id, ok: outcome.ok, payload: outcome.payload, durationMs: clock() - started, memoryMb: Math.round(Math.max(peakBytes, lastBytes) / 1048576), log: takeLog(item.id),
    };
    peakBytes = 0;
    if (!initReported) {
      initReported = true;
      message.initMs = initMs;
    }
    if (outcome.end !== undefined) message.end = outcome.end;
    send(message);
    currentId = -1;
    currentRequestId = undefined;
  };

  const queue: Item[] = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    draining = true;
    while (queue.length > 0 && !dead) {
      const item = queue.shift()!;
      // Start only what the pool has not taken back.
      if (Atomics.compareExchange(control, item.seq % ring, item.seq, -item.seq) !== item.seq) continue;
      await runOne(item);
    }
    draining = false;
  };
  port.on('message', (message: { t: 'run'; items: Item[] }) => {
    for (const item of message.items) queue.push(item);
    if (!draining) void drain();
  });
}

/** The worker's source, evaluated as a CommonJS script in each new worker. */
export const WORKER_SOURCE = `(${workerMain.toString()})()`;
