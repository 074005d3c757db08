// One HTTP call through the shared undici Agent, as a dispatch handler object (no Promise, stream
// or closure inside undici per request). It settles when the response headers arrive (proxy:
// the body follows as a BodyStream) or when the whole body is in (non-proxy: buffered).
import type { Writable } from 'node:stream';
import type { BodyStream } from './body-stream.js';

type Settle = (error: Error | undefined, exchange: HttpExchange) => void;

export class HttpExchange implements BodyStream {
  statusCode = 0;
  /** Response headers, flat [name, value, …], as the backend sent them. */
  headers: string[] = [];
  #settle: Settle | undefined;
  readonly #buffered: boolean;
  #abort: ((reason?: Error) => void) | undefined;
  #chunks: Buffer[] = [];
  #length = 0;
  #complete = false;
  #error: Error | undefined;
  #sink: Writable | undefined;
  #done: ((error?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #paused = false;
  #destroyed = false;

  /** `buffered`: settle only when the whole body is in (non-proxy integrations). */
  constructor(buffered: boolean, settle: Settle) {
    this.#buffered = buffered;
    this.#settle = settle;
  }

  get body(): Buffer {
    const chunks = this.#chunks;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#length);
  }

  get completeLength(): number | undefined {
    return this.#complete ? this.#length : undefined;
  }

  // ---- undici dispatch handler (legacy interface: called without wrapping) ----

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: informational, wait for the real response
    this.statusCode = statusCode;
    const headers = new Array<string>(rawHeaders.length);
    for (let i = 0; i < rawHeaders.length; i++) headers[i] = rawHeaders[i].toString('latin1');
    this.headers = headers;
    this.#resume = resume;
    if (!this.#buffered) this.#settleNow(undefined);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#destroyed) return true;
    const sink = this.#sink;
    if (sink === undefined) {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      return true;
    }
    if (sink.write(chunk)) return true;
    this.#paused = true;
    return false;
  }

  onComplete(): void {
    this.#complete = true;
    if (this.#buffered) {
      this.#settleNow(undefined);
      return;
    }
    const sink = this.#sink;
    if (sink !== undefined && !this.#destroyed) {
      sink.end();
      this.#finish(undefined);
    }
  }

  onError(error: Error): void {
    this.#error = error;
    if (this.#settle !== undefined) {
      this.#settleNow(error);
      return;
    }
    if (this.#sink !== undefined) {
      this.#sink.destroy(error);
      this.#finish(error);
    }
  }

  onBodySent(): void {}
  onResponseStarted(): void {}

  // ---- BodyStream (proxy) ----

  pipeTo(sink: Writable, done: (error?: Error) => void): void {
    if (this.#error !== undefined) {
      sink.destroy(this.#error);
      done(this.#error);
      return;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    if (this.#complete) {
      // The usual case for small bodies: everything arrived with the headers. One write.
      sink.end(chunks.length === 1 ? chunks[0] : chunks.length === 0 ? undefined : Buffer.concat(chunks, this.#length));
      done();
      return;
    }
    this.#sink = sink;
    this.#done = done;
    for (const chunk of chunks) sink.write(chunk);
    sink.on('drain', this.#onDrain);
    sink.once('close', this.#onSinkClose);
  }

  destroy(error?: Error): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#chunks = [];
    if (!this.#complete) this.#abort?.(error ?? new Error('response abandoned'));
  }

  readonly #onDrain = (): void => {
    if (!this.#paused) return;
    this.#paused = false;
    this.#resume?.();
  };

  readonly #onSinkClose = (): void => {
    if (this.#complete || this.#done === undefined) return;
    // The client went away mid-body: stop reading from the backend.
    this.destroy(new Error('client closed the connection'));
    this.#finish(new Error('client closed the connection'));
  };

  #finish(error: Error | undefined): void {
    const done = this.#done;
    this.#done = undefined;
    if (this.#sink !== undefined) {
      this.#sink.off('drain', this.#onDrain);
      this.#sink.off('close', this.#onSinkClose);
    }
    done?.(error);
  }

  #settleNow(error: Error | undefined): void {
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(error, this);
  }
}
