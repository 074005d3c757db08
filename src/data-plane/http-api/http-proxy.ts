// HTTP_PROXY integrations of HTTP APIs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html):
// the whole request passed to the URL — `{name}` filled from the route's path variables, the
// request path appended for the `$default` route (a request to /store/checkout reaches
// {uri}/store/checkout), the query string forwarded as sent — with hop-by-hop headers dropped,
// the client's X-Forwarded-* rewritten into one standard `Forwarded` header and a trace id
// added, then parameter mapping on top; the whole response passed back, hop-by-hop headers
// dropped (HTTP APIs do not remap headers the way REST APIs do; unverified) and response
// parameter mapping applied.
import { isIP } from 'node:net';
import type { Step } from '../pipeline/step.js';
import type { HttpEndpointRequest } from '../../integrations/types.js';
import { DROPPED_REQUEST_HEADERS, isSigV4Authorization, traceId } from '../../integrations/headers.js';
import type { HttpRoutedContext } from './http-context.js';
import { encodeQuery, queryPairs, type MappedRequest } from '../../compiler/http-parameter-mapping.js';
import { mapResponse, requestSources } from './mapping-sources.js';

/** Backend response headers that describe the backend's connection, not ours. */
const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * The standard `Forwarded` header a backend sees (RFC 7239): every client address, the host and
 * scheme the client used. What the client wrote is never copied in as syntax: only well-formed
 * IP addresses of its X-Forwarded-For are kept, and a host that is not a plain token is quoted.
 */
function forwarded(ctx: HttpRoutedContext, forwardedFor: string | undefined): string {
  let fors = `for=${forwardedAddress(ctx.sourceIp)}`;
  if (forwardedFor !== undefined) {
    const earlier = forwardedFor.split(',').map((address) => address.trim()).filter((address) => isIP(address) !== 0);
    if (earlier.length > 0) fors = `${earlier.map((address) => `for=${forwardedAddress(address)}`).join(';')};${fors}`;
  }
  const host = ctx.domainName;
  return `by=${ctx.services.env.region};${fors};host=${HOST_TOKEN.test(host) ? host : JSON.stringify(host)};proto=${ctx.secure ? 'https' : 'http'}`;
}

/** A host name or address as RFC 7239 takes it unquoted. */
const HOST_TOKEN = /^[A-Za-z0-9.\-:[\]]+$/;

/** RFC 7239 §6: an IPv6 address is quoted and bracketed. */
function forwardedAddress(address: string): string {
  return address.includes(':') ? `"[${address}]"` : address;
}

export const httpProxyRequest: Step<HttpRoutedContext> = {
  name: 'integration-request.http-proxy',
  run(ctx) {
    const integration = ctx.plan.integration;
    const uri = integration.uri as NonNullable<typeof integration.uri>;
    const variables = ctx.stage.variables;
    let path = uri.path(ctx.pathParameters === undefined ? undefined : encoded(ctx.pathParameters, ctx.plan.greedyName), variables);
    // The URI's own query string stays after the path; the request's joins it.
    let uriQuery = '';
    if (uri.hasQuery) {
      const at = path.indexOf('?');
      uriQuery = path.slice(at + 1);
      path = path.slice(0, at);
    }
    if (ctx.plan.routePath === '$default') path = joinPath(path, ctx.path);

    const raw = ctx.rawHeaders;
    const headers: string[] = [];
    let forwardedFor: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (DROPPED_REQUEST_HEADERS.has(lower)) continue;
      const value = raw[i + 1];
      if (lower.startsWith('x-forwarded-')) {
        if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        continue;
      }
      if (lower === 'forwarded' || (lower === 'authorization' && isSigV4Authorization(value))) continue;
      headers.push(name, value);
    }
    headers.push('Forwarded', forwarded(ctx, forwardedFor), 'X-Amzn-Trace-Id', traceId(ctx.requestId, ctx.requestTimeEpoch));
    const mapping = integration.requestMapping;
    let query = ctx.rawQuery;
    if (mapping !== undefined) {
      const mapped: MappedRequest = { headers, query: queryPairs(ctx.rawQuery), path };
      mapping.apply(mapped, requestSources(ctx));
      path = mapped.path;
      if (mapping.rewritesQuery) query = encodeQuery(mapped.query);
    }
    if (uriQuery !== '') query = query === '' ? uriQuery : `${uriQuery}&${query}`;
    if (query !== '') path += `?${query}`;
    const request: HttpEndpointRequest = {
      kind: 'http',
      method: integration.method ?? ctx.httpMethod,
      origin: uri.origin(variables),
      path,
      headers,
      body: ctx.body,
      timeoutMs: integration.timeoutMs,
      signal: ctx,
    };
    ctx.integrationRequest = request;
  },
};

/** Characters a path segment may hold as they are (RFC 3986 pchar, and `/` between segments). */
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const SEGMENT_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]*$/;

/**
 * Path variables are decoded by routing; in a URL they are encoded again: a `{name}` value whole
 * (an encoded `/` stays `%2F`), the greedy one per segment (its slashes are the path's). Values
 * that need no encoding (the usual case) are used as they are.
 */
function encoded(parameters: Readonly<Record<string, string>>, greedy: string | undefined): Readonly<Record<string, string>> {
  let out: Record<string, string> | undefined;
  for (const name in parameters) {
    const value = parameters[name];
    if (name === greedy ? PATH_SAFE.test(value) : SEGMENT_SAFE.test(value)) continue;
    out ??= Object.assign(Object.create(null) as Record<string, string>, parameters);
    out[name] = name === greedy ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  }
  return out ?? parameters;
}

/** `/base` + `/store/checkout` → `/base/store/checkout`; `/` + `/x` → `/x`. */
function joinPath(base: string, rest: string): string {
  if (base === '/' || base === '') return rest;
  return base.endsWith('/') ? base + rest.slice(1) : base + rest;
}

export const httpProxyResponse: Step<HttpRoutedContext> = {
  name: 'integration-response.http-proxy',
  run(ctx) {
    const endpoint = ctx.endpointResponse;
    // The request ended before the backend answered: nothing to pass on.
    if (endpoint === undefined) return;
    const raw = endpoint.headers;
    const headers: string[] = [];
    let length: number | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const lower = raw[i].toLowerCase();
      if (DROPPED_RESPONSE_HEADERS.has(lower)) {
        if (lower === 'content-length') length = Number(raw[i + 1]);
        continue;
      }
      headers.push(raw[i], raw[i + 1]);
    }
    const body = endpoint.body;
    const statusCode = mapResponse(ctx, endpoint.statusCode, headers, raw, Buffer.isBuffer(body) ? body : undefined);
    ctx.response = Buffer.isBuffer(body)
      ? { statusCode, headers, body }
      : { statusCode, headers, body, ...(length !== undefined && Number.isSafeInteger(length) && { streamLength: length }) };
  },
};
