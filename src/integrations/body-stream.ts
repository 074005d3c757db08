// The body of an endpoint response that is passed on without buffering (HTTP_PROXY). A minimal
// push interface instead of a Readable: the common small response is already complete when the
// pipeline reaches it and goes out in one write; larger ones are forwarded chunk by chunk with
// backpressure. (stream.pipeline costs an AbortController and a DOMException per request.)
import { PassThrough, type Readable, type Writable } from 'node:stream';

export interface BodyStream {
  /** The whole length when every byte has already arrived, else undefined. */
  readonly completeLength: number | undefined;
  /** Writes the body to `sink` and ends it; `done` runs once, with the error if one happened. */
  pipeTo(sink: Writable, done: (error?: Error) => void): void;
  /** Abandons the body (error paths, client gone). */
  destroy(error?: Error): void;
}

export function isBodyStream(body: unknown): body is BodyStream {
  return typeof body === 'object' && body !== null && typeof (body as BodyStream).pipeTo === 'function' && !Buffer.isBuffer(body);
}

/** A BodyStream over a Node Readable (decoders, tests). */
export class ReadableBody implements BodyStream {
  readonly completeLength = undefined;
  constructor(readonly readable: Readable) {}

  pipeTo(sink: Writable, done: (error?: Error) => void): void {
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

export function collectBody(body: BodyStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const readable = toReadable(body);
    readable.on('data', (chunk: Buffer) => chunks.push(chunk));
    readable.once('end', () => resolve(Buffer.concat(chunks)));
    readable.once('error', reject);
  });
}
