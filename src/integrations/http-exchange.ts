// One HTTP call through the shared undici Agent, as a dispatch handler object (no Promise, stream
// or closure inside undici per request). It settles when the response headers arrive (proxy:
// the body follows as a BodyStream) or when the whole body is in (non-proxy: buffered).
// `timeoutInMillis` is one deadline timer from dispatch to settling (connect + headers, and the
// whole body when buffered); `cancel` ends it from outside (deadline, client gone), also while
// undici is still connecting. Bodies are capped at `maxBodyBytes`.
import type { Writable } from 'node:stream';
import { BodyTooLargeError, InvalidEndpointStatusError, sinkGone, type BodyStream } from './body-stream.js';

type Settle = (error: Error | undefined, exchange: HttpExchange) => void;

/** The integration deadline (`timeoutInMillis`) passed before the exchange settled. */
export class EndpointTimeoutError extends Error {
  override readonly name = 'EndpointTimeoutError';
  readonly code = 'ARCHWAY_ENDPOINT_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`endpoint request timed out after ${timeoutMs} ms`);
  }
}

function onDeadline(exchange: HttpExchange): void {
  exchange.cancel(new EndpointTimeoutError(exchange.timeoutMs));
}

export class HttpExchange implements BodyStream {
  statusCode = 0;
  /** Response headers, flat [name, value, …], as the backend sent them. */
  headers: string[] = [];
  #settle: Settle | undefined;
  readonly #buffered: boolean;
  readonly #maxBodyBytes: number;
  /** A HEAD request: the declared length describes a body that never comes. */
  readonly #head: boolean;
  #abort: ((reason?: Error) => void) | undefined;
  /** Cancelled before undici handed over its abort function (still connecting). */
  #cancelled: Error | undefined;
  #deadline: NodeJS.Timeout | undefined;
  timeoutMs = 0;
  /** Bytes received so far (the cap counts them, buffered or streamed). */
  #received = 0;
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
  constructor(buffered: boolean, settle: Settle, maxBodyBytes: number, head: boolean) {
    this.#buffered = buffered;
    this.#settle = settle;
    this.#maxBodyBytes = maxBodyBytes;
    this.#head = head;
  }

  /** Starts the one deadline timer; settling clears it. */
  startDeadline(timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
    this.#deadline = setTimeout(onDeadline, timeoutMs, this);
  }

  /**
   * Ends an exchange that has not settled yet: it settles with `error` and the backend request
   * is aborted (at once, or as soon as undici connects). After settling it does nothing: a
   * streamed body is stopped by its sink closing.
   */
  cancel(error: Error): void {
    if (this.#settle === undefined) return;
    this.#destroyed = true;
    this.#chunks = [];
    this.#error = error;
    this.#settleNow(error);
    if (this.#abort !== undefined) this.#abort(error);
    else this.#cancelled = error;
  }

  get body(): Buffer {
    const chunks = this.#chunks;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#length);
  }

  get completeLength(): number | undefined {
    return this.#complete ? this.#length : undefined;
  }

  get completeBody(): Buffer | undefined {
    return this.#complete && !this.#destroyed && this.#sink === undefined ? this.body : undefined;
  }

  // ---- undici dispatch handler (legacy interface: called without wrapping) ----

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#cancelled !== undefined) {
      abort(this.#cancelled);
      return;
    }
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: informational, wait for the real response
    this.statusCode = statusCode;
    const headers = new Array<string>(rawHeaders.length);
    let declared = 0;
    for (let i = 0; i < rawHeaders.length; i++) {
      const text = rawHeaders[i].toString('latin1');
      headers[i] = text;
      if ((i & 1) === 1 && headers[i - 1].length === 14 && headers[i - 1].toLowerCase() === 'content-length') declared = Number(text);
    }
    this.headers = headers;
    this.#resume = resume;
    if (statusCode > 599) {
      this.cancel(new InvalidEndpointStatusError(statusCode));
      return false;
    }
    // A declared body past the cap is refused before anything is sent on (HEAD, 204, 304 carry none).
    if (declared > this.#maxBodyBytes && !this.#head && statusCode !== 204 && statusCode !== 304) {
      this.cancel(new BodyTooLargeError(this.#maxBodyBytes));
      return false;
    }
    if (!this.#buffered) this.#settleNow(undefined);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#destroyed) return true;
    this.#received += chunk.length;
    if (this.#received > this.#maxBodyBytes) {
      this.#overflow();
      return false;
    }
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
    if (this.#error !== undefined) return; // cancelled or capped: already settled or finished
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
    // The client left before its answer (a write would wait for a drain that never comes).
    const gone = sinkGone(sink);
    if (gone !== undefined) {
      this.destroy(gone);
      done(gone);
      return;
    }
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

  /** Past the body cap: a pending settle fails; a body being streamed is cut (headers are out). */
  #overflow(): void {
    const error = new BodyTooLargeError(this.#maxBodyBytes);
    if (this.#settle !== undefined) {
      this.cancel(error);
      return;
    }
    this.#error = error;
    this.destroy(error);
    const sink = this.#sink;
    if (sink !== undefined) {
      sink.destroy(error);
      this.#finish(error);
    }
  }

  #settleNow(error: Error | undefined): void {
    const settle = this.#settle;
    if (settle === undefined) return;
    this.#settle = undefined;
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    settle(error, this);
  }
}
