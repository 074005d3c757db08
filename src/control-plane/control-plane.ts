// The management listener's handler: verifies SigV4 against the admin credentials, then
// dispatches by the credential scope's service name (apigateway, lambda, iam; apigatewayv2 is
// signed as apigateway and served by the same route table, by its /v2/ paths). Answers with AWS's error envelope in the service's protocol.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError } from '../aws/errors.js';
import { newRequestId } from '../aws/ids.js';
import { scopedService, verifySigV4, verifySigV4BeforeBody, type CredentialLookup, type CredentialScopeRule } from '../aws/sigv4.js';
import type { OperationResponse, RouteTable } from './route-table.js';
import type { Logger } from '../observability/logger.js';

/** An operation's answer as written on the wire; errors carry their AWS exception name. */
interface WireResponse extends OperationResponse {
  errorType?: string;
}


export class ControlPlane {
  readonly #services: ReadonlyMap<string, RouteTable>;
  readonly #credentials: CredentialLookup;
  /** One line per call, refused signatures, and unexpected failures. */
  readonly #log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

  readonly #scope: CredentialScopeRule;

  /**
   * `region`: the region a request's credential scope must name; IAM, a global service, is
   * signed for us-east-1 whatever the region (AWS General Reference, "AWS Identity and Access
   * Management endpoints and quotas": https://docs.aws.amazon.com/general/latest/gr/iam-service.html).
   */
  constructor(services: ReadonlyMap<string, RouteTable>, credentials: CredentialLookup, log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>, region: string) {
    this.#services = services;
    this.#scope = { region: (scoped, service) => scoped === region || (service === 'iam' && scoped === 'us-east-1') };
    this.#credentials = credentials;
    this.#log = log;
  }

  /**
   * Checks the signature as far as the headers allow before the body is read (see
   * verifySigV4BeforeBody); a refused request is answered at once, its body left unread and its
   * connection closed. True when it was refused.
   */
  async refuseBeforeBody(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const started = performance.now();
    const { method, path, rawQuery } = requestLine(req);
    try {
      await verifySigV4BeforeBody({ method, path, rawQuery, headers: req.headers }, this.#credentials, Date.now(), this.#scope);
      return false;
    } catch (error) {
      const requestId = newRequestId();
      const response = this.#errorResponse(error, scopedService(req.headers, rawQuery), requestId);
      res.shouldKeepAlive = false;
      writeResponse(res, response, requestId);
      this.#logAnswer(response, { operation: 'unknown', method, path, started });
      return true;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const started = performance.now();
    const requestId = newRequestId();
    const { method, path, rawQuery } = requestLine(req);
    let operation = 'unknown';
    let response: WireResponse;
    try {
      const caller = await verifySigV4({ method, path, rawQuery, headers: req.headers, body }, this.#credentials, Date.now(), this.#scope);
      const table = this.#services.get(caller.service);
      if (!table) throw new AwsServiceError('UnknownOperationException', 404, `Service '${caller.service}' is not served by Archway`);
      const query = new URLSearchParams(rawQuery);
      const matched = table.match(method, path, query);
      if (!matched) throw new AwsServiceError('UnknownOperationException', 404, `No operation matches ${method} ${path}`);
      operation = matched.definition.name;
      response = await matched.definition.handler({
        params: matched.params,
        query,
        headers: req.headers,
        body: matched.definition.rawBody ? {} : parseJsonBody(body, req.headers['content-type']),
        rawBody: body,
        caller,
        requestId,
      });
    } catch (error) {
      response = this.#errorResponse(error, scopedService(req.headers, rawQuery), requestId);
      if (response.statusCode >= 500) this.#log.error({ err: error, operation }, 'control-plane operation failed');
    }
    writeResponse(res, response, requestId);
    this.#logAnswer(response, { operation, method, path, started });
  }

  /** AWS's error envelope in the protocol of the service the request was signed for. */
  #errorResponse(error: unknown, service: string | undefined, requestId: string): WireResponse {
    const render = service === undefined ? undefined : this.#services.get(service)?.renderError;
    if (render !== undefined && error instanceof AwsServiceError) return { ...render(error, requestId), errorType: error.type };
    return errorResponse(error);
  }

  #logAnswer(response: WireResponse, call: { operation: string; method: string; path: string; started: number }): void {
    const line = { plane: 'control', operation: call.operation, method: call.method, path: call.path, status: response.statusCode, latencyMs: Math.round(performance.now() - call.started) };
    // A refused signature says why (unknown key, mismatch, clock skew, region) in the log too.
    if (response.statusCode === 403) this.#log.warn({ ...line, reason: `${response.errorType}: ${(response.body as { message?: string } | undefined)?.message ?? 'see the answer'}` }, 'request refused');
    // Reads (the startup banner's listing, SDK polling) at debug: the info log shows what changed.
    else if (call.method === 'GET') this.#log.debug(line, 'request');
    else this.#log.info(line, 'request');
  }
}

function requestLine(req: IncomingMessage): { method: string; path: string; rawQuery: string } {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  return { method: req.method ?? 'GET', path: queryAt === -1 ? url : url.slice(0, queryAt), rawQuery: queryAt === -1 ? '' : url.slice(queryAt + 1) };
}

function parseJsonBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (body.length === 0) return {};
  if (contentType !== undefined && !contentType.includes('json')) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsServiceError('SerializationException', 400, 'Could not parse request body into json');
}

function errorResponse(error: unknown): WireResponse {
  if (error instanceof AwsServiceError) {
    return { statusCode: error.statusCode, body: { message: error.message }, errorType: error.type };
  }
  return { statusCode: 500, body: { message: 'Internal server error' }, errorType: 'InternalFailure' };
}

function writeResponse(res: ServerResponse, response: WireResponse, requestId: string): void {
  const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
  if (response.errorType) headers['x-amzn-ErrorType'] = response.errorType;
  let payload: string | Buffer = '';
  if (response.raw) {
    headers['Content-Type'] = response.raw.contentType;
    Object.assign(headers, response.raw.headers);
    payload = response.raw.data;
  } else if (response.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(response.body);
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.statusCode, headers);
  res.end(payload);
}
