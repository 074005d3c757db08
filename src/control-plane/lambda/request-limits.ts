// Lambda's request size limits, which its front end applies before an operation runs (AWS-observed:
// 413, `x-amzn-ErrorType: RequestEntityTooLargeException`, `{"Message": "Request must be smaller
// than N bytes for the X operation"}`). The listener reads a lambda request body up to the
// operation's limit instead of the control plane's general one.
import type { ServerResponse } from 'node:http';
import { MAX_SYNC_PAYLOAD_BYTES } from '../../functions/local-runtime.js';

/** CreateFunction and UpdateFunctionCode: a 50 MB zip, base64 in JSON (Lambda quotas). */
export const MAX_FUNCTION_CODE_REQUEST_BYTES = 69_905_067;

export interface LambdaRequestLimit {
  bytes: number;
  operation: string;
}

const FUNCTIONS = '/2015-03-31/functions';

/** The size limit of the lambda operation a request goes to, when it has its own. */
export function lambdaRequestLimit(method: string | undefined, url: string): LambdaRequestLimit | undefined {
  if (!url.startsWith(FUNCTIONS)) return undefined;
  const path = url.split('?', 1)[0];
  if (method === 'POST' && (path === FUNCTIONS || path === `${FUNCTIONS}/`)) return { bytes: MAX_FUNCTION_CODE_REQUEST_BYTES, operation: 'CreateFunction' };
  const rest = path.slice(FUNCTIONS.length + 1).split('/');
  if (rest.length !== 2) return undefined;
  if (method === 'PUT' && rest[1] === 'code') return { bytes: MAX_FUNCTION_CODE_REQUEST_BYTES, operation: 'UpdateFunctionCode' };
  if (method === 'POST' && rest[1] === 'invocations') return { bytes: MAX_SYNC_PAYLOAD_BYTES, operation: 'InvokeFunction' };
  return undefined;
}

/** Lambda's 413 for a request over its operation's limit. */
export function lambdaRequestTooLarge(res: ServerResponse, limit: LambdaRequestLimit, closeConnection: boolean): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'RequestEntityTooLargeException' };
  if (closeConnection) headers.Connection = 'close';
  res.writeHead(413, headers);
  res.end(JSON.stringify({ Message: `Request must be smaller than ${limit.bytes} bytes for the ${limit.operation} operation` }));
}
