// Header rules between client, API Gateway and the endpoint
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html; the
// exact lists as recorded in LocalStack's AWS snapshots, tests/aws/services/apigateway/…). Each
// list says why it exists.

/**
 * Client request headers never forwarded to an integration (AWS-recorded): hop-by-hop headers
 * and ones API Gateway recomputes (Content-Length). `host` is also dropped (the endpoint gets
 * its own host) and `keep-alive`/`proxy-connection` (hop-by-hop; undici refuses them).
 */
export const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'content-length', 'content-md5', 'expect', 'max-forwards', 'proxy-authenticate',
  'server', 'te', 'transfer-encoding', 'trailer', 'upgrade', 'www-authenticate',
  'host', 'keep-alive', 'proxy-connection',
]);

/** Endpoint response headers API Gateway replaces by its own, keeping the backend's as `x-amzn-Remapped-*` (all types). */
export const REMAPPED_RESPONSE_HEADERS: ReadonlyMap<string, string> = new Map([
  ['connection', 'x-amzn-Remapped-Connection'],
  ['content-length', 'x-amzn-Remapped-Content-Length'],
  ['date', 'x-amzn-Remapped-Date'],
  ['server', 'x-amzn-Remapped-Server'],
]);

/** Non-proxy HTTP/AWS also remap these (a backend 401's WWW-Authenticate reaches clients remapped). */
export const REMAPPED_RESPONSE_HEADERS_NON_PROXY: ReadonlyMap<string, string> = new Map([
  ...REMAPPED_RESPONSE_HEADERS,
  ['authorization', 'x-amzn-Remapped-Authorization'],
  ['content-md5', 'x-amzn-Remapped-Content-MD5'],
  ['expect', 'x-amzn-Remapped-Expect'],
  ['host', 'x-amzn-Remapped-Host'],
  ['max-forwards', 'x-amzn-Remapped-Max-Forwards'],
  ['proxy-authenticate', 'x-amzn-Remapped-Proxy-Authenticate'],
  ['trailer', 'x-amzn-Remapped-Trailer'],
  ['upgrade', 'x-amzn-Remapped-Upgrade'],
  ['user-agent', 'x-amzn-Remapped-User-Agent'],
  ['www-authenticate', 'x-amzn-Remapped-WWW-Authenticate'],
]);

/**
 * Endpoint response headers dropped for HTTP_PROXY (AWS-recorded): Transfer-Encoding (API
 * Gateway frames the body itself), Content-Encoding (the body reaches the client decoded) and
 * Via. `keep-alive` too: it describes the backend connection, not ours.
 */
export const DROPPED_PROXY_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['transfer-encoding', 'content-encoding', 'via', 'keep-alive']);

/** Non-proxy responses drop only Transfer-Encoding (AWS-recorded). */
export const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['transfer-encoding', 'keep-alive']);

/** An `Authorization` header holding a SigV4 signature reaches no integration, HTTP or Lambda proxy (it signed the call to API Gateway). */
export function isSigV4Authorization(value: string): boolean {
  return value.startsWith('AWS4-HMAC-SHA256');
}

/** `X-Amzn-Trace-Id` for the endpoint: `Root=1-{epoch hex}-{24 hex}`, derived from the request id (no extra randomness). */
export function traceId(requestId: string, epochMs: number): string {
  // A request id is a UUID (8-4-4-4-12): its first 24 hex digits are cut around the dashes
  // (`replaceAll` was ≈ 1 % of the HTTP_PROXY route's CPU).
  const hex = requestId.length === 36
    ? requestId.slice(0, 8) + requestId.slice(9, 13) + requestId.slice(14, 18) + requestId.slice(19, 23) + requestId.slice(24, 28)
    : requestId.replaceAll('-', '').slice(0, 24);
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${hex}`;
}
