// The REST data plane (DESIGN.md §4–§6): resolves (api, stage) from the deployments table,
// runs the pipeline, writes the response (bodies piped, never buffered for HTTP_PROXY) and
// always runs the request-log finalizer. Owns the one keep-alive undici Agent all HTTP
// integrations share. The listener that parses the URL forms is the lead's src/server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import type { GatewayEnvironment } from '../options/gateway-environment.js';
import type { ConfigStore } from '../store/config-store.js';
import type { InvokeTarget } from '../routing/invoke-target.js';
import { newExtendedRequestId, newRequestId } from '../aws/ids.js';
import { createIntegrations } from '../integrations/index.js';
import type { FunctionInvoker } from '../functions/local-runtime.js';
import { DeploymentsTable } from './deployments.js';
import { InvocationContext, type DataPlaneLogger, type PipelineServices } from './pipeline/context.js';
import { REST_PIPELINE } from './pipeline/rest-pipeline.js';
import { runStages } from './pipeline/runner.js';
import type { GatewayOutput } from './pipeline/response.js';
import { renderError } from './stages/error.js';
import { ClientAbortedError } from '../request-body.js';
import { InternalServerError, RequestTooLargeError } from './errors/gateway-error.js';
import { renderGatewayResponse } from './errors/render.js';

/** Resolved by the listener from the deployments table's snapshot (src/routing/resolution-snapshot.ts). */
export type DataPlaneTarget = InvokeTarget;

export interface RequestLogEntry {
  method: string;
  /** The resource path after the stage, as requested. */
  path: string;
  restApiId: string;
  stage: string | undefined;
  status: number;
  latencyMs: number;
  requestId: string;
  /** For every 5xx (and aborted requests): why. */
  error?: string;
}

export interface DataPlaneDeps {
  env: GatewayEnvironment;
  store: ConfigStore;
  onRequestLogged?: (entry: RequestLogEntry) => void;
  /** pino-compatible; defaults to stderr. */
  log?: DataPlaneLogger;
  /** Runs Lambda functions for AWS/AWS_PROXY integrations. */
  functions?: FunctionInvoker;
}

/** One keep-alive pool per origin, unbounded, shared by every HTTP integration. */
const AGENT_OPTIONS = { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connections: null, pipelining: 1 } as const;

/** Where the InvocationContext of a response is kept for its 'close' listener (no closure per request). */
const CONTEXT = Symbol('archway.invocation');
type TrackedResponse = ServerResponse & { [CONTEXT]?: InvocationContext };

/** The client went away: an integration call still waiting for its answer is cancelled. */
function onResponseClose(this: TrackedResponse): void {
  const pending = this[CONTEXT]?.pendingIntegration;
  if (pending !== undefined) pending.cancel(new ClientAbortedError('client closed the connection before the endpoint answered'));
}

/** Status recorded for a request whose client went away before an answer (nginx's convention). */
const CLIENT_CLOSED = 499;

const STDERR_LOGGER: DataPlaneLogger = {
  warn: (details, message) => console.warn(`[data-plane] ${message}`, details),
  error: (details, message) => console.error(`[data-plane] ${message}`, details),
};

export class DataPlane {
  readonly #deps: DataPlaneDeps;
  readonly #agent: Agent;
  #insecureAgent: Agent | undefined;
  /** Connecting is part of the integration deadline; undici's own connect timeout never cuts it shorter. */
  readonly #connect: { timeout: number };
  readonly #services: PipelineServices;
  readonly #deployments: DeploymentsTable;
  readonly #onRequestLogged: ((entry: RequestLogEntry) => void) | undefined;

  constructor(deps: DataPlaneDeps) {
    this.#deps = deps;
    const log = deps.log ?? STDERR_LOGGER;
    this.#connect = { timeout: deps.env.limits.maxIntegrationTimeoutMs };
    this.#agent = new Agent({ ...AGENT_OPTIONS, connect: this.#connect });
    this.#services = Object.freeze({ env: deps.env, integrations: createIntegrations(this.#agent, () => this.#insecure(), deps.functions), log });
    this.#deployments = new DeploymentsTable({
      store: deps.store,
      log,
      compileOptions: { defaultTimeoutMs: deps.env.limits.defaultIntegrationTimeoutMs },
    });
    this.#onRequestLogged = deps.onRequestLogged;
  }

  get deployments(): DeploymentsTable {
    return this.#deployments;
  }

  /** What stages share (TestInvokeMethod runs the same stages with them). */
  get services(): PipelineServices {
    return this.#services;
  }

  start(): Promise<void> {
    return this.#deployments.load();
  }

  /**
   * Called after the listener has drained: backend requests still in flight were abandoned with
   * their clients, so their connections are destroyed rather than waited for.
   */
  async close(): Promise<void> {
    this.#deployments.close();
    await Promise.all([this.#agent.destroy(), this.#insecureAgent?.destroy()]);
  }

  /** For integrations with tlsConfig.insecureSkipVerification: created on first use. */
  #insecure(): Agent {
    return (this.#insecureAgent ??= new Agent({ ...AGENT_OPTIONS, connect: { ...this.#connect, rejectUnauthorized: false } }));
  }

  handle(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget): void | Promise<void> {
    if (target.kind !== 'stage') return this.#unresolved(req, res, target);
    const stage = target.stage;
    if (target.defaultEndpoint && stage.deployment.api.disableExecuteApiEndpoint) {
      return this.#plain(req, res, target, 403, 'ForbiddenException', 'Forbidden');
    }

    const ctx = new InvocationContext({
      httpMethod: req.method ?? 'GET',
      path: target.path,
      rawQuery: target.rawQuery,
      rawHeaders: req.rawHeaders,
      sourceIp: sourceIpOf(req),
      protocol: req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
      incoming: req,
    }, stage, this.#services);
    (res as TrackedResponse)[CONTEXT] = ctx;
    res.on('close', onResponseClose);

    let result: void | Promise<void>;
    try {
      result = runStages(ctx, REST_PIPELINE);
    } catch (error) {
      return this.#failed(ctx, res, target, error);
    }
    if (result === undefined) return this.#send(ctx, res, target);
    return result.then(
      () => this.#send(ctx, res, target),
      (error: unknown) => this.#failed(ctx, res, target, error),
    );
  }

  #failed(ctx: InvocationContext, res: ServerResponse, target: DataPlaneTarget, error: unknown): void {
    if (error instanceof ClientAbortedError) {
      this.#log(target, ctx.httpMethod, CLIENT_CLOSED, ctx.requestId, ctx.startTime, error.message);
      return;
    }
    try {
      renderError(ctx, error);
    } catch (renderFailure) {
      this.#services.log.error({ err: renderFailure }, 'gateway response rendering failed');
      ctx.response = renderGatewayResponse(new InternalServerError());
      ctx.failureReason = `gateway response rendering failed: ${(renderFailure as Error).message}`;
    }
    this.#send(ctx, res, target);
  }

  #send(ctx: InvocationContext, res: ServerResponse, target: DataPlaneTarget): void {
    const out = ctx.response;
    if (out === undefined) {
      // A pipeline that ended without a response is a bug; answer 500 rather than hang.
      return this.#failed(ctx, res, target, new Error('pipeline produced no response'));
    }
    const headers = out.headers;
    headers.push('x-amzn-RequestId', ctx.requestId, 'x-amz-apigw-id', ctx.extendedRequestId);
    if (ctx.error instanceof RequestTooLargeError && ctx.error.closeConnection) headers.push('Connection', 'close');
    const body = out.body;
    // 204 and 304 carry no body and no Content-Length (RFC 9110 §8.6).
    const bodiless = out.statusCode === 204 || out.statusCode === 304;
    if (Buffer.isBuffer(body)) {
      if (!bodiless) headers.push('Content-Length', String(body.length));
      if (!writeHead(res, out.statusCode, headers)) return this.#badHeaders(ctx, res, target);
      res.end(body);
      this.#log(target, ctx.httpMethod, out.statusCode, ctx.requestId, ctx.startTime, ctx.failureReason);
      return;
    }
    // A HEAD answer's length is the backend's declared one (what GET would send), never the 0 bytes received.
    const length = out.streamLength ?? (ctx.httpMethod === 'HEAD' ? undefined : body.completeLength);
    if (length !== undefined && !bodiless) headers.push('Content-Length', String(length));
    if (!writeHead(res, out.statusCode, headers)) {
      body.destroy();
      return this.#badHeaders(ctx, res, target);
    }
    body.pipeTo(res, (error) => {
      this.#log(target, ctx.httpMethod, out.statusCode, ctx.requestId, ctx.startTime,
        error ? `response stream failed: ${error.message}` : ctx.failureReason);
    });
  }

  /** A header value the client cannot receive (a template put a newline in it): answer 500. */
  #badHeaders(ctx: InvocationContext, res: ServerResponse, target: DataPlaneTarget): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    ctx.response = undefined;
    ctx.endpointResponse = undefined;
    renderError(ctx, new InternalServerError(undefined, { reason: 'invalid response header value' }));
    ctx.response!.headers.push('x-amzn-RequestId', ctx.requestId, 'x-amz-apigw-id', ctx.extendedRequestId);
    const body = ctx.response!.body as Buffer;
    ctx.response!.headers.push('Content-Length', String(body.length));
    res.writeHead(ctx.response!.statusCode, ctx.response!.headers);
    res.end(body);
    this.#log(target, ctx.httpMethod, ctx.response!.statusCode, ctx.requestId, ctx.startTime, ctx.failureReason);
  }

  /** Unknown API → 404; known API, unknown or missing stage → 403 (data-plane.md §2 step 1). */
  #unresolved(req: IncomingMessage, res: ServerResponse, target: Exclude<DataPlaneTarget, { kind: 'stage' }>): void {
    if (target.kind === 'unknown-stage') return this.#plain(req, res, target, 403, 'ForbiddenException', 'Forbidden');
    return this.#plain(req, res, target, 404, 'NotFoundException',
      `The API id '${target.apiId}' does not correspond to a deployed API Gateway API`);
  }

  /**
   * `Expect: 100-continue` with a declared body over the payload limit (the listener's
   * checkContinue): 413 REQUEST_TOO_LARGE at once, without reading the body, and the connection
   * closed since the client may or may not send it.
   */
  rejectOversized(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget): void {
    const start = performance.now();
    const requestId = newRequestId();
    const out = renderGatewayResponse(new RequestTooLargeError(`HTTP content length exceeded ${this.#deps.env.limits.maxRequestBodyBytes} bytes.`));
    out.headers.push(
      'x-amzn-RequestId', requestId,
      'x-amz-apigw-id', newExtendedRequestId(),
      'Content-Length', String(out.body.length),
      'Connection', 'close',
    );
    res.writeHead(out.statusCode, out.headers);
    res.end(out.body);
    this.#log(target, req.method ?? 'GET', out.statusCode, requestId, start, undefined);
  }

  #plain(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget, status: number, errorType: string, message: string): void {
    const start = performance.now();
    const requestId = newRequestId();
    const body = Buffer.from(`{"message":${JSON.stringify(message)}}`);
    res.writeHead(status, [
      'Content-Type', 'application/json',
      'x-amzn-ErrorType', errorType,
      'x-amzn-RequestId', requestId,
      'x-amz-apigw-id', newExtendedRequestId(),
      'Content-Length', String(body.length),
    ]);
    res.end(body);
    this.#log(target, req.method ?? 'GET', status, requestId, start, undefined);
  }

  #log(target: DataPlaneTarget, method: string, status: number, requestId: string, start: number, error: string | undefined): void {
    const onRequestLogged = this.#onRequestLogged;
    if (onRequestLogged === undefined) return;
    const entry: RequestLogEntry = {
      method,
      path: target.path,
      restApiId: target.kind === 'stage' ? target.stage.restApiId : target.apiId,
      stage: target.kind === 'stage' ? target.stage.stageName : target.stageName,
      status,
      latencyMs: Math.round((performance.now() - start) * 1000) / 1000,
      requestId,
    };
    if (error !== undefined) entry.error = error;
    try {
      onRequestLogged(entry);
    } catch (failure) {
      this.#services.log.warn({ err: failure }, 'request log callback threw');
    }
  }
}

function writeHead(res: ServerResponse, status: number, headers: string[]): boolean {
  try {
    res.writeHead(status, headers);
    return true;
  } catch {
    return false;
  }
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export type { GatewayOutput };
