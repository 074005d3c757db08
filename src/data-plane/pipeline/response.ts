// The response a pipeline produces: written to the socket by the DataPlane, buffered by
// TestInvokeMethod. Headers are a flat [name, value, name, value, …] list (Node's writeHead
// accepts it as is, and it keeps repeated headers and their case).
import type { BodyStream } from '../../integrations/body-stream.js';

export interface GatewayOutput {
  statusCode: number;
  headers: string[];
  /** A buffered body, or the backend's body (HTTP_PROXY), passed on and never buffered. */
  body: Buffer | BodyStream;
  /** For a streamed body: its length when known (the backend's Content-Length, unencoded). */
  streamLength?: number;
}

/** A response whose body is in memory (gateway responses, non-proxy integrations). */
export interface BufferedOutput extends GatewayOutput {
  body: Buffer;
}

export { EMPTY_BODY } from '../../request-body.js';

export function headerValue(headers: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].toLowerCase() === lowerName) return headers[i + 1];
  }
  return undefined;
}

/** Sets (replacing every existing value of) a header, case-insensitively. */
export function setHeader(headers: string[], name: string, value: string): void {
  const lower = name.toLowerCase();
  let found = false;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].toLowerCase() !== lower) continue;
    if (!found) {
      headers[i] = name;
      headers[i + 1] = value;
      found = true;
    } else {
      headers.splice(i, 2);
      i -= 2;
    }
  }
  if (!found) headers.push(name, value);
}
