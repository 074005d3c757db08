// Where log lines go: stdout, in blocks written asynchronously, not one synchronous write per
// line. At the default level (info) every request logs a line; a write per line cost the
// HTTP_PROXY route about a quarter of its throughput (bench/README.md). Lines gather into a
// block that is handed to pino's sonic-boom (async mode: fs.write off the event loop, queued
// while a write is in flight) when it reaches BLOCK_CHARS, or FLUSH_MS after its first line.
// Nothing is lost at exit: graceful shutdown awaits `flush`, and on any process exit
// (process.exit, a crash) what is still buffered is written synchronously.
// Gathering here rather than with sonic-boom's `minLength`: sonic-boom measures its whole
// pending buffer on every write (a copy of up to 16 KiB per line), which cost as much as it saved.
import pino from 'pino';

/** Below sonic-boom's largest single write (16 KiB), so a block is one fs.write. */
const BLOCK_CHARS = 12 * 1024;
/** The longest a line waits when traffic is low. */
const FLUSH_MS = 50;

export class StdoutLogStream {
  readonly #sonic = pino.destination({ dest: 1, sync: false });
  #block = '';
  #timer: NodeJS.Timeout | undefined;
  /** Blocks handed to sonic-boom and not yet written. */
  #writing = false;
  #waiting: (() => void)[] = [];

  constructor() {
    const written = () => {
      this.#writing = false;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const done of waiting) done();
    };
    // 'drain': everything handed over is written. 'error' (a closed stdout, EPIPE): pino's own
    // listener stops writing; this one keeps a waiting shutdown from hanging and the process up.
    this.#sonic.on('drain', written);
    this.#sonic.on('error', written);
  }

  write(line: string): void {
    this.#block += line;
    if (this.#block.length >= BLOCK_CHARS) this.#handOver();
    else this.#timer ??= setTimeout(this.#onTimer, FLUSH_MS).unref();
  }

  /** Calls `done` once every line logged so far is written (pino's `logger.flush`). */
  flush(done: () => void): void {
    this.#handOver();
    if (this.#writing) this.#waiting.push(done);
    else done();
  }

  /** Writes what is buffered synchronously: the process is exiting. */
  flushSync(): void {
    try {
      this.#handOver();
      this.#sonic.flushSync();
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
    if (this.#block === '') return;
    this.#writing = true;
    this.#sonic.write(this.#block);
    this.#block = '';
  }
}

let shared: StdoutLogStream | undefined;

/** The process's one stdout log stream (every logger shares it: stdout is one). */
export function stdoutLogStream(): StdoutLogStream {
  if (shared === undefined) {
    const stream = new StdoutLogStream();
    process.once('exit', () => stream.flushSync());
    shared = stream;
  }
  return shared;
}
