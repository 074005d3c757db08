// The Lambda proxy event and answer of HTTP APIs, payload formats 2.0 and 1.0
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
// filled in from events AWS delivered (aws-lambda-go's events/testdata, user captures) and from
// what emulators measured against AWS (the text/binary split of request bodies). Each event is
// built straight from the request, once, as JSON text.
import type { CallerIdentity } from '../data-plane/pipeline/context.js';
import { clfTime } from '../data-plane/pipeline/context-variables.js';
import { parseQuery, rawHeader, record } from '../data-plane/pipeline/request-views.js';
import { mediaTypeOf } from '../compiler/binary-media-types.js';
import { isSigV4Authorization, traceId } from './headers.js';
import { isEmpty, portOf, proxyHeaders, responseBody, responseHeaders, statusCodeOf, type ProxyParse } from './lambda-proxy-event.js';

/** What the events are built from (the HTTP API context, after routing). */
export interface HttpEventSource {
  /** The matched route key: `GET /pets/{id}`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  readonly httpMethod: string;
  /** The path as the client sent it, percent-encoding kept, the stage segment included for a named stage. */
  readonly requestPath: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** Node's flat [name, value, …]. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
  readonly stageVariables: Readonly<Record<string, string>> | undefined;
  /** `$default` or the stage's name. */
  readonly stageName: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly domainName: string;
  /** `apigw-requestid`; payload 1.0 shows it as both `requestId` and `extendedRequestId`. */
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly sourceIp: string;
  readonly protocol: string;
  /** A JWT or Lambda authorizer's result in the 2.0 shape: `{jwt: {claims, scopes}}` or `{lambda: {…context}}`. */
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
  /** The IAM caller of an `AWS_IAM` route. */
  readonly identity: CallerIdentity | undefined;
}

/**
 * Request headers the events leave out: hop-by-hop ones, and the client's Content-Length and
 * Transfer-Encoding, which API Gateway replaces by the Content-Length of the body it read (AWS
 * events show `content-length: 0` on a GET without one; Transfer-Encoding unverified).
 */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Bodies that reach the function as text; any other (or no) Content-Type is base64-encoded, as
 * measured against AWS (ministackorg/ministack#766, floci-io/floci#2172): `text/*` and these,
 * and not application/x-www-form-urlencoded. Suffixes such as `+json` are unverified.
 */
const TEXT_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/xml', 'application/javascript', 'application/graphql']);

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Whether a request body of this Content-Type is passed as text: a text type, in UTF-8
 * (`charset=iso-8859-1` measured as binary; other parameters are ignored, unverified).
 */
export function isTextBody(contentType: string | undefined): boolean {
  const type = mediaTypeOf(contentType);
  if (type === undefined || !(type.startsWith('text/') || TEXT_MEDIA_TYPES.has(type))) return false;
  const charset = CHARSET.exec(contentType as string);
  return charset === null || charset[1].toLowerCase() === 'utf-8';
}

/** The payload 2.0 event as JSON text. */
export function buildHttpEventV2(source: HttpEventSource): string {
  const raw = source.rawHeaders;
  // Lower-case names, repeated headers joined with `,`; prototype-less for client-chosen names.
  const headers = record<string>();
  let cookies: string[] | undefined;
  let forwardedFor: string | undefined;
  let host: string | undefined;
  let hasTraceId = false;
  let hasPort = false;
  let hasProto = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (NOT_FORWARDED.has(name)) continue;
    const value = raw[i + 1];
    if (name === 'cookie') {
      // Each Cookie header's pairs become `cookies` entries; the header itself is not shown.
      for (const pair of value.split(';')) {
        const cookie = pair.trim();
        if (cookie !== '') (cookies ??= []).push(cookie);
      }
      continue;
    }
    if (name === 'authorization' && isSigV4Authorization(value)) continue;
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      continue;
    }
    if (name === 'host') host = value;
    else if (name === 'x-amzn-trace-id') hasTraceId = true;
    else if (name === 'x-forwarded-port') hasPort = true;
    else if (name === 'x-forwarded-proto') hasProto = true;
    const existing = headers[name];
    headers[name] = existing === undefined ? value : `${existing},${value}`;
  }
  const body = source.body;
  headers['content-length'] = String(body.length);
  headers['x-forwarded-for'] = forwardedFor === undefined ? source.sourceIp : `${forwardedFor}, ${source.sourceIp}`;
  if (!hasPort) headers['x-forwarded-port'] = portOf(host);
  if (!hasProto) headers['x-forwarded-proto'] = 'http';
  if (!hasTraceId) headers['x-amzn-trace-id'] = traceId(source.requestId, source.requestTimeEpoch);

  const binary = body.length > 0 && !isTextBody(headers['content-type']);
  // JSON.stringify leaves out the undefined fields: 2.0 omits what the request does not have.
  return JSON.stringify({
    version: '2.0',
    routeKey: source.routeKey,
    rawPath: source.requestPath,
    rawQueryString: source.rawQuery,
    cookies,
    headers,
    queryStringParameters: source.rawQuery === '' ? undefined : joinedQuery(source.rawQuery),
    requestContext: {
      accountId: source.accountId,
      apiId: source.apiId,
      authorizer: source.authorizer ?? iamAuthorizer(source.identity),
      domainName: source.domainName,
      domainPrefix: domainPrefix(source.domainName),
      http: {
        method: source.httpMethod,
        path: source.requestPath,
        protocol: source.protocol,
        sourceIp: source.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: source.requestId,
      routeKey: source.routeKey,
      stage: source.stageName,
      time: clfTime(source.requestTimeEpoch),
      timeEpoch: source.requestTimeEpoch,
    },
    pathParameters: source.pathParameters !== undefined && !isEmpty(source.pathParameters) ? source.pathParameters : undefined,
    stageVariables: source.stageVariables !== undefined && !isEmpty(source.stageVariables) ? source.stageVariables : undefined,
    body: body.length === 0 ? undefined : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
  });
}

/** Decoded query parameters, repeated names' values joined with `,`; undefined when none. */
function joinedQuery(rawQuery: string): Record<string, string> | undefined {
  const multi = parseQuery(rawQuery).multi;
  if (isEmpty(multi)) return undefined;
  const joined = record<string>();
  for (const name in multi) joined[name] = multi[name].join(',');
  return joined;
}

/** `requestContext.authorizer` of an `AWS_IAM` route in payload 2.0 (cognitoIdentity unverified: no Cognito identity pools here). */
function iamAuthorizer(identity: CallerIdentity | undefined): object | undefined {
  if (identity === undefined) return undefined;
  return {
    iam: {
      accessKey: identity.accessKey,
      accountId: identity.accountId,
      callerId: identity.caller,
      cognitoIdentity: null,
      principalOrgId: identity.principalOrgId,
      userArn: identity.userArn,
      userId: identity.user,
    },
  };
}

function domainPrefix(domainName: string): string {
  const dot = domainName.indexOf('.');
  return dot === -1 ? domainName : domainName.slice(0, dot);
}

/**
 * The payload 1.0 event as JSON text: the REST proxy event's shape as HTTP APIs fill it (AWS
 * captures): `path` and `requestContext.path` are the path as sent, stage segment included;
 * `resource`/`resourcePath` the route's path and `resourceId` the route key (both `$default` for
 * the default route); `requestId` = `extendedRequestId`; no `deploymentId`; a Content-Length
 * header; the body's text/binary split as in 2.0 (HTTP APIs have no binaryMediaTypes).
 */
export function buildHttpEventV1(source: HttpEventSource): string {
  const { headers, multiValueHeaders } = proxyHeaders(source.rawHeaders, source.sourceIp, source.requestId, source.requestTimeEpoch);
  const body = source.body;
  const length = String(body.length);
  headers['Content-Length'] = length;
  multiValueHeaders['Content-Length'] = [length];

  const query = source.rawQuery === '' ? undefined : parseQuery(source.rawQuery);
  const hasQuery = query !== undefined && !isEmpty(query.multi);
  const space = source.routeKey.indexOf(' ');
  const resourcePath = space === -1 ? source.routeKey : source.routeKey.slice(space + 1);
  const userAgent = rawHeader(source.rawHeaders, 'user-agent', true);
  const identity = source.identity;
  const binary = body.length > 0 && !isTextBody(rawHeader(source.rawHeaders, 'content-type', true));
  // JSON.stringify leaves out an undefined authorizer (none on the route).
  return JSON.stringify({
    version: '1.0',
    resource: resourcePath,
    path: source.requestPath,
    httpMethod: source.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    requestContext: {
      accountId: source.accountId,
      apiId: source.apiId,
      authorizer: v1Authorizer(source.authorizer),
      domainName: source.domainName,
      domainPrefix: domainPrefix(source.domainName),
      extendedRequestId: source.requestId,
      httpMethod: source.httpMethod,
      identity: {
        accessKey: identity?.accessKey ?? null,
        accountId: identity?.accountId ?? null,
        caller: identity?.caller ?? null,
        cognitoAmr: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: identity?.principalOrgId ?? null,
        sourceIp: source.sourceIp,
        user: identity?.user ?? null,
        userAgent: userAgent ?? '',
        userArn: identity?.userArn ?? null,
      },
      path: source.requestPath,
      protocol: source.protocol,
      requestId: source.requestId,
      requestTime: clfTime(source.requestTimeEpoch),
      requestTimeEpoch: source.requestTimeEpoch,
      resourceId: source.routeKey,
      resourcePath,
      stage: source.stageName,
    },
    pathParameters: source.pathParameters !== undefined && !isEmpty(source.pathParameters) ? source.pathParameters : null,
    stageVariables: source.stageVariables !== undefined && !isEmpty(source.stageVariables) ? source.stageVariables : null,
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
  });
}

/**
 * `requestContext.authorizer` in payload 1.0: a JWT authorizer's `{claims, scopes}` (the doc's
 * sample); a Lambda authorizer's context keys at the top level, as REST shows them (unverified
 * for HTTP APIs).
 */
function v1Authorizer(authorizer: Readonly<Record<string, unknown>> | undefined): object | undefined {
  if (authorizer === undefined) return undefined;
  const jwt = authorizer.jwt;
  if (jwt !== undefined) return jwt as object;
  const lambda = authorizer.lambda;
  return lambda !== undefined ? lambda as object : authorizer;
}

/**
 * The function's answer to a payload 2.0 event. Valid JSON without `statusCode` (an object
 * without one, a string, a number, an array…) is the body of a 200 application/json answer —
 * a JSON string unquoted, anything else as returned (doc; AWS-recorded for function URLs, which
 * share the format, in LocalStack's test_lambda.snapshot.json). Otherwise statusCode, headers
 * (values stringified, a multi-valued header written comma-joined), `cookies` each a Set-Cookie
 * (before any Set-Cookie in headers, as observed), body a string, base64-decoded whenever
 * isBase64Encoded (no binaryMediaTypes). Unknown keys such as multiValueHeaders are ignored
 * (unverified); a wrongly typed field is malformed, which the caller answers with 500.
 */
export function parseHttpResponseV2(payload: string): ProxyParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { malformed: 'the function returned non-JSON output' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, 'statusCode')) {
    const body = typeof parsed === 'string' ? parsed : payload;
    return { statusCode: 200, headers: ['Content-Type', 'application/json'], body: Buffer.from(body) };
  }
  const output = parsed as Record<string, unknown>;
  const statusCode = statusCodeOf(output.statusCode);
  if (statusCode === undefined) return { malformed: `invalid statusCode ${JSON.stringify(output.statusCode)}` };
  const cookies = output.cookies;
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies)) return { malformed: 'cookies is not an array' };
    for (const cookie of cookies) if (cookie !== null && typeof cookie === 'object') return { malformed: 'cookies holds an object' };
  }
  // Cookies merge as multi values of Set-Cookie: first, and in that casing.
  const headers = responseHeaders(cookies === undefined || cookies === null ? undefined : { 'Set-Cookie': cookies }, output.headers);
  if (typeof headers === 'string') return { malformed: headers };
  const body = responseBody(output.body, output.isBase64Encoded, true);
  if (typeof body === 'string') return { malformed: body };
  return { statusCode, headers, body };
}
