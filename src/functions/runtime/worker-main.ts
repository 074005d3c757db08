// What runs inside each function's worker thread: the Node.js Lambda runtime's job (AWS
// "Lambda runtime interface client" for Node: handler loading, the context object, callback
// and async handlers, error shapes, console log format). The pool starts it with
// `new Worker(WORKER_SOURCE, { eval: true })`, so this function must be self-contained: it is
// serialised with toString() and uses only `require` (the eval'd worker is CommonJS).
//
// Protocol (pool ↔ worker): the pool posts `{ t: 'run', items }` batches; the worker runs them
// strictly one after another (one invocation per execution environment at a time, as Lambda
// does) and answers each with `{ t: 'done', id, ok, payload, durationMs, memoryMb, fatal? }`;
// console output goes out as `{ t: 'log', id, text }` before the `done` of its invocation;
// what one turn of the worker's loop produced is posted as one `{ t: 'batch', messages }`.
// Error payloads follow the Node runtime: `{errorType, errorMessage, trace}`.

export interface WorkerInit {
  codeDir: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryMb: number;
  logGroupName: string;
  logStreamName: string;
}

export interface WorkerInvocation {
  id: number;
  requestId: string;
  payload: string;
  timeoutMs: number;
  invokedArn: string;
  /** Decoded X-Amz-Client-Context (JSON text), if any. */
  clientContext?: string;
}

export type WorkerMessage =
  | { t: 'log'; id: number; text: string }
  | { t: 'done'; id: number; ok: boolean; payload: string; durationMs: number; memoryMb: number; fatal?: boolean };

/** What the worker posts: one message, or several gathered in one turn of its loop. */
export type WorkerPost = WorkerMessage | { t: 'batch'; messages: WorkerMessage[] };

export function workerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { existsSync } = require('node:fs') as typeof import('node:fs');
  const { join, resolve } = require('node:path') as typeof import('node:path');
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  const { format } = require('node:util') as typeof import('node:util');
  const { getHeapStatistics } = require('node:v8') as typeof import('node:v8');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const init = workerData as WorkerInit;
  const port = parentPort!;
  // import() written as a Function so that no bundler or test transform rewrites it.
  const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

  type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;
  interface Item { id: number; requestId: string; payload: string; timeoutMs: number; invokedArn: string; clientContext?: string }

  // --- answers go out in batches: one message per turn of the worker's loop (each post wakes
  // the pool's thread). Before the worker can die (process.exit, an uncaught error) the batch
  // is sent, so finished invocations keep their answers.
  let outbox: WorkerMessage[] = [];
  let outScheduled = false;
  const flushOut = (): void => {
    outScheduled = false;
    if (outbox.length === 0) return;
    const messages = outbox;
    outbox = [];
    port.postMessage(messages.length === 1 ? messages[0] : { t: 'batch', messages });
  };
  const send = (message: WorkerMessage): void => {
    outbox.push(message);
    if (!outScheduled) {
      outScheduled = true;
      setImmediate(flushOut);
    }
  };
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    flushLog();
    flushOut();
    return realExit(code);
  }) as typeof process.exit;
  process.on('uncaughtExceptionMonitor', () => {
    flushLog();
    flushOut();
  });

  // --- console: `{ISO time}\t{requestId}\t{LEVEL}\t{message}` (the Node runtime's text format)
  let currentId = -1;
  let currentRequestId: string | undefined;
  let pendingLog = '';
  let pendingLogId = -1;
  let flushScheduled = false;
  const flushLog = (): void => {
    flushScheduled = false;
    if (pendingLog === '') return;
    send({ t: 'log', id: pendingLogId, text: pendingLog });
    pendingLog = '';
  };
  const writeLog = (level: string, args: unknown[]): void => {
    if (pendingLog !== '' && pendingLogId !== currentId) flushLog();
    pendingLogId = currentId;
    const text = format(...args).replaceAll('\n', '\r');
    pendingLog += `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}\n`;
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushLog);
    }
  };
  const levels: [keyof Console, string][] = [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']];
  for (const [method, level] of levels) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => writeLog(level, args);
  }

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

  // --- handler loading: `dir/file.export[.nested]`, file.js | .mjs | .cjs, ESM or CommonJS
  const loadHandler = async (): Promise<Handler> => {
    const full = init.handler;
    const slash = full.lastIndexOf('/');
    const dot = full.indexOf('.', slash + 1);
    if (dot === -1) throw Object.assign(new Error(`Bad handler ${full}`), { name: 'Runtime.MalformedHandlerName' });
    const modulePath = full.slice(0, dot);
    const exportPath = full.slice(dot + 1).split('.');
    const base = resolve(init.codeDir, modulePath);
    const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
    if (file === undefined) {
      const name = modulePath.split('/').pop();
      throw Object.assign(new Error(`Error: Cannot find module '${name}'\nRequire stack:\n- ${join(init.codeDir, 'index.mjs')}`), { name: 'Runtime.ImportModuleError' });
    }
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(pathToFileURL(file).href);
    } catch (error) {
      if (error instanceof SyntaxError) throw Object.assign(new Error(`${error.name}: ${error.message}`), { name: 'Runtime.UserCodeSyntaxError', stack: error.stack });
      throw error;
    }
    let target: unknown = mod;
    for (const key of exportPath) target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
    // CommonJS modules imported as ESM: named exports may only exist on `default`.
    if (typeof target !== 'function' && mod.default !== undefined) {
      target = mod.default;
      for (const key of exportPath) target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
    }
    if (typeof target !== 'function') {
      throw Object.assign(new Error(`${full.slice(slash + 1)} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
    }
    return target as Handler;
  };
  currentRequestId = undefined;
  const handlerReady = loadHandler();
  handlerReady.catch(() => undefined);

  const memoryMb = (): number => Math.round(getHeapStatistics().used_heap_size / (1024 * 1024));

  const runOne = async (item: Item): Promise<void> => {
    currentId = item.id;
    currentRequestId = item.requestId;
    let started = performance.now();
    let handler: Handler;
    try {
      handler = await handlerReady;
      // Init (loading the handler) is not the invocation's duration (Lambda reports it apart).
      started = performance.now();
    } catch (error) {
      const payload = errorPayload(error);
      writeLog('ERROR', [`Uncaught Exception \t${payload}`]);
      flushLog();
      send({ t: 'done', id: item.id, ok: false, payload, durationMs: performance.now() - started, memoryMb: memoryMb(), fatal: true });
      return;
    }
    const deadline = Date.now() + item.timeoutMs;
    let outcome: { ok: boolean; payload: string };
    try {
      const event: unknown = JSON.parse(item.payload);
      const result = await new Promise<unknown>((resolveResult, reject) => {
        let settled = false;
        const callback = (error?: unknown, value?: unknown): void => {
          if (settled) return;
          settled = true;
          if (error !== undefined && error !== null) reject(error);
          else resolveResult(value);
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
          getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
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
      outcome = { ok: true, payload: result === undefined ? 'null' : JSON.stringify(result) ?? 'null' };
    } catch (error) {
      const payload = errorPayload(error);
      const logged = error instanceof Error
        ? JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: typeof error.stack === 'string' ? error.stack.split('\n') : [] })
        : payload;
      writeLog('ERROR', [`Invoke Error \t${logged}`]);
      outcome = { ok: false, payload };
    }
    flushLog();
    send({ t: 'done', id: item.id, ok: outcome.ok, payload: outcome.payload, durationMs: performance.now() - started, memoryMb: memoryMb() });
    currentId = -1;
    currentRequestId = undefined;
  };

  const queue: Item[] = [];
  let running = false;
  const drain = async (): Promise<void> => {
    running = true;
    while (queue.length > 0) await runOne(queue.shift()!);
    running = false;
    flushOut();
  };
  port.on('message', (message: { t: 'run'; items: Item[] }) => {
    for (const item of message.items) queue.push(item);
    if (!running) void drain();
  });
}

/** The worker's source, evaluated as a CommonJS script in each new worker. */
export const WORKER_SOURCE = `(${workerMain.toString()})()`;
