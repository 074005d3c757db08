// Reads a request body into one Buffer, up to a limit (the data plane's 10 MB payload quota,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html;
// the control plane's import limit). Rejects as soon as Content-Length or the running size passes
// the limit.
// What follows a rejection: the rest of the body is drained (read and discarded, up to twice the
// limit in all) so the connection stays usable for keep-alive. A declared Content-Length above
// that gets `Connection: close` on the 413 instead; a chunked body that keeps coming past it has
// its socket destroyed. Either way the process keeps serving. A body that stalls, or one that
// would pass the bytes buffered across all requests, is refused and its connection closed.
import type { IncomingMessage } from 'node:http';

/** The one empty body: requests without one share it. */
export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** The body passed the limit; each plane answers 413 in its own shape. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    readonly limit: number,
    /** The rest of the body is too big to drain: answer with `Connection: close`. */
    readonly closeConnection: boolean,
  ) {
    super(`HTTP content length exceeded ${limit} bytes.`);
  }
}

/** The client went away before its body arrived; nothing can be answered. */
export class ClientAbortedError extends Error {
  override readonly name = 'ClientAbortedError';
}

/** The body stopped arriving for longer than the idle timeout: 408, and the connection closes. */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
}

/** Accepting this body would pass the bytes buffered across all requests: 503, and the connection closes. */
export class BodiesOverBudgetError extends Error {
  override readonly name = 'BodiesOverBudgetError';
}

export interface BodyReadingLimits {
  /** Longest wait for the next bytes of a body. */
  bodyIdleTimeoutMs: number;
  /** Bytes of request bodies buffered at once across every request, both planes. */
  maxBufferedBodyBytes: number;
}

/**
 * Reads request bodies for one Archway, both planes: each up to its plane's limit, none
 * stalling longer than the idle timeout between bytes, and all together within one budget of
 * buffered bytes, so slow or stalled uploads cannot take the process's memory. A body's bytes
 * leave the budget when it has been read (its Buffer then belongs to the request) or refused.
 */
export class RequestBodies {
  readonly #limits: BodyReadingLimits;
  #buffered = 0;

  constructor(limits: BodyReadingLimits) {
    this.#limits = limits;
  }

  /** Bytes of bodies being received right now. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Throws PayloadTooLargeError (and drains or closes) when the declared length is over `limit`. */
  refuseDeclaredOver(req: IncomingMessage, limit: number): void {
    const declared = req.headers['content-length'];
    if (declared === undefined || req.headers['transfer-encoding'] !== undefined) return;
    const length = Number(declared);
    if (length > limit) {
      drainAfterRejection(req, 2 * limit);
      throw new PayloadTooLargeError(limit, length > 2 * limit);
    }
  }

  /** Synchronous (no Promise) when the request has no body. */
  read(req: IncomingMessage, limit: number): Buffer | Promise<Buffer> {
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (declared === undefined && !chunked) return EMPTY_BODY;
    let reserved = 0;
    if (declared !== undefined && !chunked) {
      const length = Number(declared);
      if (length === 0) return EMPTY_BODY;
      this.refuseDeclaredOver(req, limit);
      if (this.#buffered + length > this.#limits.maxBufferedBodyBytes) throw this.#overBudget(req);
      reserved = length;
    }
    if (req.readableEnded) return EMPTY_BODY;
    this.#buffered += reserved;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          fail(new PayloadTooLargeError(limit, false));
          drainAfterRejection(req, 2 * limit - size);
          return;
        }
        if (size > reserved) {
          // A chunked body (or one longer than declared) takes its budget as it comes.
          if (this.#buffered + size - reserved > this.#limits.maxBufferedBodyBytes) return fail(this.#overBudget(req));
          this.#buffered += size - reserved;
          reserved = size;
        }
        chunks.push(chunk);
        timer.refresh();
      };
      const onEnd = () => {
        cleanup();
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      };
      const onAborted = () => fail(new ClientAbortedError('client closed the connection before sending its body'));
      const onClose = () => {
        if (!req.readableEnded) onAborted();
      };
      const timer = setTimeout(() => {
        fail(new BodyTimeoutError(`no body bytes for ${this.#limits.bodyIdleTimeoutMs} ms`));
        // Nothing more will be read from it; the answer carries Connection: close.
        req.on('error', () => {});
      }, this.#limits.bodyIdleTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#buffered -= reserved;
        reserved = 0;
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onAborted);
        req.off('close', onClose);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onAborted);
      req.on('close', onClose);
    });
  }

  #overBudget(req: IncomingMessage): BodiesOverBudgetError {
    req.on('error', () => {});
    return new BodiesOverBudgetError(`more than ${this.#limits.maxBufferedBodyBytes} bytes of request bodies are being received`);
  }
}

function drainAfterRejection(req: IncomingMessage, budget: number): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    // Past the budget the socket goes (after the 413 has had the time to be written).
    if (drained > budget) setImmediate(() => req.socket.destroy());
  });
  req.on('error', () => {});
  req.resume();
}
