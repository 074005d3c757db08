// A function's log, as Lambda keeps it: everything the function writes to stdout or stderr, and
// console lines in the Node runtime's text format (`{ISO time}\t{requestId}\t{LEVEL}\t{message}`;
// Lambda Developer Guide "Log and monitor Node.js Lambda functions"). Text goes to the pool as
// `{ t: 'log' }` once per turn of the worker's loop; an invocation's last text rides on its answer.
import fs from 'node:fs';
import { format } from 'node:util';
import type { MessagePort } from 'node:worker_threads';
import type { WorkerMessage } from '../worker-protocol.js';

/**
 * What one invocation's output may cost the gateway (Archway's own bound, in characters): past
 * it the rest is dropped with one notice, so a function printing without end can take neither
 * the gateway's log nor its memory. CloudWatch Logs, where Lambda delivers logs, takes events of
 * at most 256 KB; four of those is far more than any Tail or terminal shows.
 */
export const MAX_LOG_CHARS_PER_INVOCATION = 1024 * 1024;

export class FunctionLog {
  readonly #port: MessagePort;
  /** Characters of output the current invocation has written, and whether the rest is dropped. */
  #written = 0;
  #dropping = false;
  /** The invocation that output belongs to now (-1: none). */
  #id = -1;
  #requestId: string | undefined;
  /** Text not sent yet, and the invocation it belongs to. */
  #pending = '';
  #pendingId = -1;
  #flushScheduled = false;

  constructor(port: MessagePort) {
    this.#port = port;
  }

  /** Output from now on belongs to invocation `id` (-1 and undefined: to none). */
  attribute(id: number, requestId: string | undefined): void {
    this.#id = id;
    this.#requestId = requestId;
    this.#written = 0;
    this.#dropping = false;
  }

  /** A console line at `level`. */
  line(level: string, args: unknown[]): void {
    const text = format(...args).replaceAll('\n', '\r');
    this.#append(`${new Date().toISOString()}\t${this.#requestId ?? 'undefined'}\t${level}\t${text}\n`);
  }

  /** Invocation `id`'s text not sent yet (it goes out with its answer). */
  take(id: number): string {
    if (this.#pendingId !== id) {
      this.flush();
      return '';
    }
    const text = this.#pending;
    this.#pending = '';
    return text;
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending === '') return;
    this.#port.postMessage({ t: 'log', id: this.#pendingId, text: this.#pending } satisfies WorkerMessage);
    this.#pending = '';
  }

  /**
   * Takes over console.*, process.stdout/stderr (console.dir, console.table, loggers on the
   * streams) and writes to fd 1 and 2 (pino's sonic-boom); the log is sent before the worker can
   * die (process.exit, an uncaught error).
   */
  capture(): void {
    const levels: [keyof Console, string][] = [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']];
    for (const [method, level] of levels) {
      (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => this.line(level, args);
    }
    for (const stream of [process.stdout, process.stderr]) {
      stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
        const done = typeof encoding === 'function' ? encoding : callback;
        this.#append(chunkText(chunk, typeof encoding === 'function' ? undefined : encoding));
        if (typeof done === 'function') process.nextTick(done as () => void);
        return true;
      }) as typeof stream.write;
    }
    const realWriteSync = fs.writeSync;
    fs.writeSync = ((fd: number, data: unknown, a?: unknown, b?: unknown, ...rest: unknown[]): number => {
      if (fd !== 1 && fd !== 2) return (realWriteSync as (...args: unknown[]) => number)(fd, data, a, b, ...rest);
      const written = fdWrite(data, a, b);
      this.#append(written.text);
      return written.bytes;
    }) as typeof fs.writeSync;
    const realWrite = fs.write;
    fs.write = ((fd: number, data: unknown, ...rest: unknown[]): void => {
      if (fd !== 1 && fd !== 2) return (realWrite as (...args: unknown[]) => void)(fd, data, ...rest);
      const callback = rest.pop();
      const written = fdWrite(data, rest[0], rest[1]);
      this.#append(written.text);
      if (typeof callback === 'function') process.nextTick(callback as (...args: unknown[]) => void, null, written.bytes, data);
    }) as typeof fs.write;
    const realExit = process.exit.bind(process);
    process.exit = ((code?: number) => {
      this.flush();
      return realExit(code);
    }) as typeof process.exit;
    process.on('uncaughtExceptionMonitor', () => this.flush());
  }

  #append(output: string): void {
    if (this.#dropping) return;
    let text = output;
    this.#written += text.length;
    if (this.#written > MAX_LOG_CHARS_PER_INVOCATION) {
      this.#dropping = true;
      text = `${text.slice(0, Math.max(0, text.length - (this.#written - MAX_LOG_CHARS_PER_INVOCATION)))}\n[Archway] this invocation's output passed ${MAX_LOG_CHARS_PER_INVOCATION} characters; the rest is dropped\n`;
    }
    if (this.#pending !== '' && this.#pendingId !== this.#id) this.flush();
    this.#pendingId = this.#id;
    this.#pending += text;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }
}

function chunkText(chunk: unknown, encoding?: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
  return String(chunk);
}

/** What `fs.write*(fd, data, …)` writes, and its byte count. */
function fdWrite(data: unknown, a: unknown, b: unknown): { text: string; bytes: number } {
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
}
