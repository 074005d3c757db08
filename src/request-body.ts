// Reads a request body into one Buffer, up to a limit (the data plane's 10 MB payload quota,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html;
// the control plane's import limit). Rejects as soon as Content-Length or the running size passes
// the limit.
// What follows a rejection: the rest of the body is drained (read and discarded, up to twice the
// limit in all) so the connection stays usable for keep-alive. A declared Content-Length above
// that gets `Connection: close` on the 413 instead; a chunked body that keeps coming past it has
// its socket destroyed. Either way the process keeps serving.
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

/** Synchronous (no Promise) when the request has no body. */
export function readBody(req: IncomingMessage, limit: number): Buffer | Promise<Buffer> {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (declared === undefined && !chunked) return EMPTY_BODY;
  if (declared !== undefined && !chunked) {
    const length = Number(declared);
    if (length === 0) return EMPTY_BODY;
    if (length > limit) {
      drainAfterRejection(req, 2 * limit);
      throw new PayloadTooLargeError(limit, length > 2 * limit);
    }
  }
  if (req.readableEnded) return EMPTY_BODY;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        drainAfterRejection(req, 2 * limit - size);
        reject(new PayloadTooLargeError(limit, false));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onAborted = () => {
      cleanup();
      reject(new ClientAbortedError('client closed the connection before sending its body'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onClose);
    };
    const onClose = () => {
      if (!req.readableEnded) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onClose);
  });
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
