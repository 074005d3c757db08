// The Lambda proxy (AWS_PROXY, payload 1.0) event and response, field by field as AWS documents
// them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html)
// and as recorded in LocalStack's AWS snapshots
// (tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json). The event is built straight
// from the method request, once, as JSON text.
import type { RestRoutedContext } from '../data-plane/pipeline/rest-context.js';
import { clfTime } from '../data-plane/pipeline/context-variables.js';
import { mediaTypeOf } from '../compiler/binary-media-types.js';
import { isSigV4Authorization, REMAPPED_RESPONSE_HEADERS, traceId } from './headers.js';
import { record } from '../data-plane/pipeline/request-views.js';

/** Request headers the event never shows: API Gateway does not forward them. */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['content-length', 'connection']);

/** The AWS_PROXY event as JSON text. */
export function buildProxyEvent(ctx: RestRoutedContext): string {
  return JSON.stringify(proxyEvent(ctx));
}

/** The AWS_PROXY event (a REQUEST authorizer's event is the same request without the body). */
export function proxyEvent(ctx: RestRoutedContext) {
  const { headers, multiValueHeaders } = proxyHeaders(ctx.rawHeaders, ctx.sourceIp, ctx.requestId, ctx.requestTimeEpoch);

  const hasQuery = ctx.rawQuery !== '';
  const query = hasQuery ? ctx.query : undefined;
  const pathParams = ctx.pathParams;
  let hasPathParams = false;
  for (const _ in pathParams) {
    hasPathParams = true;
    break;
  }
  const variables = ctx.stage.variables;
  let hasVariables = false;
  for (const _ in variables) {
    hasVariables = true;
    break;
  }

  const body = ctx.body;
  const binary = body.length > 0 && ctx.stage.deployment.binaryMediaTypes.matches(mediaTypeOf(ctx.header('content-type')));
  const domainName = ctx.domainName;
  const dot = domainName.indexOf('.');
  const stage = ctx.stage.stageName;
  return {
    resource: ctx.plan.resourcePath,
    path: ctx.path,
    httpMethod: ctx.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: query === undefined || isEmpty(query.single) ? null : query.single,
    multiValueQueryStringParameters: query === undefined || isEmpty(query.multi) ? null : query.multi,
    pathParameters: hasPathParams ? pathParams : null,
    stageVariables: hasVariables ? variables : null,
    requestContext: {
      resourceId: ctx.plan.resourceId,
      resourcePath: ctx.plan.resourcePath,
      httpMethod: ctx.httpMethod,
      extendedRequestId: ctx.extendedRequestId,
      requestTime: clfTime(ctx.requestTimeEpoch),
      path: `/${stage}${ctx.path}`,
      accountId: ctx.services.env.accountId,
      protocol: ctx.protocol,
      stage,
      domainPrefix: dot === -1 ? domainName : domainName.slice(0, dot),
      requestTimeEpoch: ctx.requestTimeEpoch,
      requestId: ctx.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: ctx.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: ctx.header('user-agent') ?? null,
        user: null,
        // Present when the method required a key (unverified: their absence otherwise).
        ...(ctx.apiKey !== undefined && { apiKey: ctx.apiKey.value, apiKeyId: ctx.apiKey.id }),
        ...ctx.identity,
      },
      ...(ctx.authorizer !== undefined && { authorizer: ctx.authorizer }),
      domainName,
      deploymentId: ctx.stage.deploymentId,
      apiId: ctx.apiId,
    },
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

/**
 * `headers` and `multiValueHeaders` as a payload 1.0 event shows them: names as the client sent
 * them, the last value in `headers`, Content-Length, Connection and a SigV4 Authorization left
 * out, and what API Gateway's front door adds: the caller appended to X-Forwarded-For, its port
 * and scheme, and a trace id (every API gets them).
 */
export function proxyHeaders(raw: readonly string[], sourceIp: string, requestId: string, requestTimeEpoch: number) {
  // Prototype-less: a header named `constructor` or `__proto__` is a key like any other.
  const headers = record<string>();
  const multiValueHeaders = record<string[]>();
  let forwardedFor: string | undefined;
  let forwardedForName = 'X-Forwarded-For';
  let host: string | undefined;
  let hasTraceId = false;
  let hasPort = false;
  let hasProto = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower)) continue;
    const value = raw[i + 1];
    if (lower === 'authorization' && isSigV4Authorization(value)) continue;
    if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      forwardedForName = name;
      continue;
    }
    if (lower === 'host') host = value;
    else if (lower === 'x-amzn-trace-id') hasTraceId = true;
    else if (lower === 'x-forwarded-port') hasPort = true;
    else if (lower === 'x-forwarded-proto') hasProto = true;
    headers[name] = value;
    const values = multiValueHeaders[name];
    if (values === undefined) multiValueHeaders[name] = [value];
    else values.push(value);
  }
  const client = forwardedFor === undefined ? sourceIp : `${forwardedFor}, ${sourceIp}`;
  headers[forwardedForName] = client;
  multiValueHeaders[forwardedForName] = [client];
  if (!hasPort) {
    const port = portOf(host);
    headers['X-Forwarded-Port'] = port;
    multiValueHeaders['X-Forwarded-Port'] = [port];
  }
  if (!hasProto) {
    headers['X-Forwarded-Proto'] = 'http';
    multiValueHeaders['X-Forwarded-Proto'] = ['http'];
  }
  if (!hasTraceId) {
    const trace = traceId(requestId, requestTimeEpoch);
    headers['X-Amzn-Trace-Id'] = trace;
    multiValueHeaders['X-Amzn-Trace-Id'] = [trace];
  }
  return { headers, multiValueHeaders };
}

export function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const _ in record) return false;
  return true;
}

/** The port the client addressed, from the Host header (80 when it names none). */
export function portOf(host: string | undefined): string {
  if (host === undefined) return '80';
  const colon = host.lastIndexOf(':');
  return colon === -1 || host.endsWith(']') ? '80' : host.slice(colon + 1);
}

export interface ProxyResponse {
  statusCode: number;
  /** Flat [name, value, …], remapped as API Gateway does. */
  headers: string[];
  body: Buffer;
}

/** Why a function's answer is not a proxy response (for the request log); undefined when it is one. */
export type ProxyParse = ProxyResponse | { malformed: string };

const ALLOWED_KEYS: ReadonlySet<string> = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * The function's answer as API Gateway reads it (recorded in LocalStack's AWS snapshots):
 * statusCode a number or numeric string (absent → 200); headers values stringified;
 * multiValueHeaders arrays, merged with headers (multi values first, multiValueHeaders' casing
 * wins); body a string, base64-decoded only when isBase64Encoded and `decodeBase64` (REST: the
 * first Accept type is binary; HTTP APIs: always); any other key, or any other shape, is malformed.
 */
export function parseProxyResponse(payload: string, decodeBase64: boolean): ProxyParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { malformed: 'the function returned non-JSON output' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { malformed: 'the function output is not a JSON object' };
  const output = parsed as Record<string, unknown>;
  for (const key in output) if (!ALLOWED_KEYS.has(key)) return { malformed: `unexpected field '${key}'` };

  const statusCode = statusCodeOf(output.statusCode);
  if (statusCode === undefined) return { malformed: `invalid statusCode ${JSON.stringify(output.statusCode)}` };
  const headers = responseHeaders(output.multiValueHeaders, output.headers);
  if (typeof headers === 'string') return { malformed: headers };
  const body = responseBody(output.body, output.isBase64Encoded, decodeBase64);
  if (typeof body === 'string') return { malformed: body };
  return { statusCode, headers, body };
}

/** A proxy answer's statusCode: a number or numeric string in 100–599, absent → 200; undefined when invalid. */
export function statusCodeOf(status: unknown): number | undefined {
  if (status === undefined || status === null) return 200;
  const n = typeof status === 'number' ? status : typeof status === 'string' && /^\d+$/.test(status.trim()) ? Number(status) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/**
 * A proxy answer's headers as a flat list, or why they are malformed: `multi` values first, then
 * `single` ones of the same name (`multi`'s casing wins), values stringified, Transfer-Encoding
 * dropped, the headers API Gateway owns remapped, Content-Type application/json when absent.
 */
export function responseHeaders(multi: unknown, single: unknown): string[] | string {
  // name (lower case) → [casing to use, values]
  const merged = new Map<string, [string, string[]]>();
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi)) return 'multiValueHeaders is not an object';
    for (const [name, values] of Object.entries(multi as Record<string, unknown>)) {
      if (values === null) continue;
      if (!Array.isArray(values)) return `multiValueHeaders.${name} is not an array`;
      const strings: string[] = [];
      for (const value of values) {
        if (value !== null && typeof value === 'object') return `multiValueHeaders.${name} holds an object`;
        strings.push(String(value));
      }
      merged.set(name.toLowerCase(), [name, strings]);
    }
  }
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object' || Array.isArray(single)) return 'headers is not an object';
    for (const [name, value] of Object.entries(single as Record<string, unknown>)) {
      if (value === null) continue;
      if (typeof value === 'object') return `headers.${name} is an object`;
      const lower = name.toLowerCase();
      const existing = merged.get(lower);
      if (existing === undefined) merged.set(lower, [name, [String(value)]]);
      else existing[1].push(String(value));
    }
  }

  const headers: string[] = [];
  let hasContentType = false;
  for (const [lower, [name, values]] of merged) {
    if (lower === 'transfer-encoding') continue;
    const remapped = REMAPPED_RESPONSE_HEADERS.get(lower);
    if (lower === 'content-type') hasContentType = true;
    for (const value of values) headers.push(remapped ?? name, value);
  }
  if (!hasContentType) headers.push('Content-Type', 'application/json');
  return headers;
}

/** A proxy answer's body (a string, or absent), base64-decoded when it says so and `decodeBase64`; a string says why it is malformed. */
export function responseBody(body: unknown, isBase64Encoded: unknown, decodeBase64: boolean): Buffer | string {
  let text = '';
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') return 'body is not a string';
    text = body;
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') return 'isBase64Encoded is not a boolean';
  return isBase64Encoded === true && decodeBase64 ? Buffer.from(text, 'base64') : Buffer.from(text);
}
