// The body of an endpoint response that is passed on without buffering (HTTP_PROXY). A minimal
// push interface instead of a Readable: the common small response is already complete when the
// pipeline reaches it and goes out in one write; larger ones are forwarded chunk by chunk with
// backpressure. (stream.pipeline costs an AbortController and a DOMException per request.)
import { PassThrough, type Readable, type Writable } from 'node:stream';

export interface BodyStream {
  /** The whole length when every byte has already arrived, else undefined. */
  readonly completeLength: number | undefined;
  /** The whole body when every byte has already arrived (and it was not abandoned), else undefined. */
  readonly completeBody: Buffer | undefined;
  /** Writes the body to `sink` and ends it; `done` runs once, with the error if one happened. */
  pipeTo(sink: Writable, done: (error?: Error) => void): void;
  /** Abandons the body (error paths, client gone). */
  destroy(error?: Error): void;
}

/** An endpoint response body past the response payload limit (10 MB on AWS). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'ARCHWAY_BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`endpoint response body exceeds ${limit} bytes`);
  }
}

/** An endpoint status a client cannot be given (HTTP has 100–599): refused before anything is sent on. */
export class InvalidEndpointStatusError extends Error {
  override readonly name = 'InvalidEndpointStatusError';
  readonly code = 'ARCHWAY_INVALID_ENDPOINT_STATUS';
  constructor(readonly status: number) {
    super(`endpoint answered status ${status}, outside 100-599`);
  }
}

/** The error a body piped into a sink that is already gone ends with. */
export function sinkGone(sink: Writable): Error | undefined {
  return sink.destroyed || (sink as { closed?: boolean }).closed === true ? new Error('client closed the connection') : undefined;
}

/** A BodyStream over a Node Readable (decoders, tests). */
export class ReadableBody implements BodyStream {
  readonly completeLength = undefined;
  readonly completeBody = undefined;
  constructor(readonly readable: Readable) {}

  pipeTo(sink: Writable, done: (error?: Error) => void): void {
    const gone = sinkGone(sink);
    if (gone !== undefined) {
      this.readable.destroy();
      done(gone);
      return;
    }
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      done(error);
    };
    this.readable.once('error', (error) => {
      sink.destroy(error);
      finish(error);
    });
    sink.once('close', () => {
      if (!sink.writableFinished) {
        this.readable.destroy();
        finish(new Error('client closed the connection'));
      }
    });
    sink.once('finish', () => finish());
    this.readable.pipe(sink);
  }

  destroy(error?: Error): void {
    this.readable.destroy(error);
  }
}

/** The body as a Readable (for zlib decoders and for buffering it whole). */
export function toReadable(body: BodyStream): Readable {
  if (body instanceof ReadableBody) return body.readable;
  const through = new PassThrough();
  body.pipeTo(through, (error) => {
    if (error) through.destroy(error);
  });
  return through;
}

/** The whole body in memory; past `limit` bytes it is abandoned and the promise rejects with BodyTooLargeError. */
export function collectBody(body: BodyStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const readable = toReadable(body);
    readable.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        readable.destroy(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    readable.once('end', () => resolve(Buffer.concat(chunks)));
    readable.once('error', reject);
  });
}
