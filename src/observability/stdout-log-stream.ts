// Where log lines go: stdout, in blocks, not one write per line. At the default level (info)
// every request logs a line; a write per line cost the HTTP_PROXY route about a quarter of its
// throughput (bench/README.md). Each line is encoded once, straight into a block buffer; a full
// block, or one FLUSH_MS after its first line, is written with one `write(2)`. stdout never
// blocks the event loop: a pipe is non-blocking (as Node opens it for `process.stdout`), so a
// reader that falls behind makes the write short or EAGAIN, and the rest waits in order and is
// retried RETRY_MS later. Nothing is lost at exit: graceful shutdown awaits `flush`, and on any
// process exit (process.exit, a crash) what is still waiting is written synchronously.
// Not pino's sonic-boom: it keeps the pending text as one growing string and measures it with
// `Buffer.byteLength` on every write, then encodes it again for the write and once more after it.
import { writeSync } from 'node:fs';

const BLOCK_BYTES = 64 * 1024;
/** The longest a line waits when traffic is low. */
const FLUSH_MS = 50;
/** A full pipe (short write, EAGAIN): try again after this long. */
const RETRY_MS = 20;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;

export class StdoutLogStream {
  readonly #fd: number;
  #block = Buffer.allocUnsafe(BLOCK_BYTES);
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Blocks the reader has not taken yet, in order; the first from `#offset`. */
  #queue: Buffer[] = [];
  #offset = 0;
  #retry: NodeJS.Timeout | undefined;
  #waiting: (() => void)[] = [];
  /** stdout is gone (EPIPE, closed): lines are dropped from then on, as pino does. */
  #failed = false;

  constructor(fd = 1) {
    this.#fd = fd;
  }

  write(line: string): void {
    if (this.#failed) return;
    const room = BLOCK_BYTES - this.#used;
    if (line.length * MAX_BYTES_PER_CHAR > room && Buffer.byteLength(line) > room) {
      this.#handOver();
      if (Buffer.byteLength(line) > BLOCK_BYTES) {
        this.#send(Buffer.from(line));
        return;
      }
    }
    this.#used += this.#block.write(line, this.#used);
    this.#timer ??= setTimeout(this.#onTimer, FLUSH_MS).unref();
  }

  /** Calls `done` once every line logged so far is written (pino's `logger.flush`). */
  flush(done: () => void): void {
    this.#handOver();
    if (this.#queue.length > 0) this.#waiting.push(done);
    else done();
  }

  /** Writes everything still waiting, blocking until the reader takes it: the process is exiting. */
  flushSync(): void {
    this.#handOver();
    try {
      while (this.#queue.length > 0) {
        if (!this.#writeQueued()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
      }
    } catch {
      // stdout is gone: nothing can be written.
    }
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#handOver();
  };

  #handOver(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#used === 0) return;
    const full = this.#block.subarray(0, this.#used);
    this.#block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.#used = 0;
    this.#send(full);
  }

  #send(block: Buffer): void {
    if (this.#failed) return;
    this.#queue.push(block);
    if (this.#retry === undefined) this.#drain();
  }

  /** Writes what the reader takes now; what is left is retried later. */
  readonly #drain = (): void => {
    this.#retry = undefined;
    try {
      if (!this.#writeQueued()) {
        this.#retry = setTimeout(this.#drain, RETRY_MS);
        return;
      }
    } catch {
      this.#failed = true;
      this.#queue = [];
      this.#offset = 0;
    }
    this.#release();
  };

  /** Writes queued blocks until done (true) or the reader is full (false); throws when stdout is gone. */
  #writeQueued(): boolean {
    while (this.#queue.length > 0) {
      const first = this.#queue[0];
      let written: number;
      try {
        written = writeSync(this.#fd, first, this.#offset, first.length - this.#offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
        throw error;
      }
      this.#offset += written;
      if (this.#offset < first.length) return false;
      this.#queue.shift();
      this.#offset = 0;
    }
    return true;
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const done of waiting) done();
  }
}

let shared: StdoutLogStream | undefined;

/** The process's one stdout log stream (every logger shares it: stdout is one). */
export function stdoutLogStream(): StdoutLogStream {
  if (shared === undefined) {
    // Opening process.stdout makes a pipe non-blocking (libuv), so a write never stalls the event loop.
    void process.stdout;
    const stream = new StdoutLogStream();
    process.once('exit', () => stream.flushSync());
    shared = stream;
  }
  return shared;
}
