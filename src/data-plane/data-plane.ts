// The data plane (docs/architecture.md): resolves (api, stage) from the deployments table, runs
// the request through the stage's steps (REST's or HTTP API's pipeline, by the stage's kind), writes the response (bodies piped, never buffered for
// HTTP_PROXY) and runs the finalizers (the request log) once, whatever happened. Owns the one
// keep-alive undici Agent all HTTP integrations share. The listener that parses the URL forms
// is src/server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import type { GatewayEnvironment } from '../options/gateway-environment.js';
import type { ConfigStore } from '../store/config-store.js';
import type { InvokeTarget } from '../routing/invoke-target.js';
import type { Logger } from '../observability/logger.js';
import { createIntegrations } from '../integrations/index.js';
import type { FunctionInvoker } from '../functions/local-runtime.js';
import type { CompileOptions } from '../compiler/compile-deployment.js';
import { DeploymentsTable } from './deployments.js';
import { InvocationContext, type MethodRequestInit, type PipelineServices } from './pipeline/context.js';
import { RestContext } from './pipeline/rest-context.js';
import { PipelineRunner } from './pipeline/runner.js';
import type { StepList } from './pipeline/step.js';
import type { GatewayOutput } from './pipeline/response.js';
import { FORBIDDEN_STEPS, TOO_LARGE_STEPS, UNKNOWN_API_STEPS } from './steps/unresolved.js';
import { requestLog, type RequestLogEntry } from './finalizers/request-log.js';
import { ClientAbortedError, type RequestBodies } from '../request-body.js';
import { InternalServerError } from './errors/gateway-error.js';
import type { AuthorizerCache, QuotaCounter, RateLimiter } from '../state/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { UsagePlansTable } from './metering/usage-plans-table.js';
import { UserPoolVerifier } from '../auth/user-pool-verifier.js';
import { IamCallersTable } from './auth/iam-callers.js';
import { JwtAuthorizers } from '../auth/jwt-authorizer.js';
import { HttpContext } from './http-api/http-context.js';
import { HTTP_NOT_FOUND_STEPS, HTTP_TOO_LARGE_STEPS } from './http-api/errors.js';

export type { RequestLogEntry };

/** Resolved by the listener from the deployments table's snapshot (src/routing/resolution-snapshot.ts). */
export type DataPlaneTarget = InvokeTarget;

export interface DataPlaneDeps {
  env: GatewayEnvironment;
  store: ConfigStore;
  /** The request log and the data plane's warnings go here. */
  log: Logger;
  /** Also handed every request-log entry (tests, embedders). */
  onRequestLogged?: (entry: RequestLogEntry) => void;
  /** Runs Lambda functions for AWS/AWS_PROXY integrations. */
  functions?: FunctionInvoker;
  /** The process's body reader (both planes share its budget). */
  bodies: RequestBodies;
  /** Token buckets, quota counters and authorizer answers (src/state/: memory, or Redis shared by a fleet). */
  state: { rateLimiter: RateLimiter; quotaCounter: QuotaCounter; authorizerCache: AuthorizerCache };
  /** Opens the API key values and IAM secret keys the store keeps sealed. */
  secrets: SecretBox;
  /** Verifies COGNITO_USER_POOLS tokens; without it no pool is mapped (their methods answer 500). */
  userPools?: UserPoolVerifier;
  /** The admin credentials: the account root for `AWS_IAM` methods. */
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
}

/** One keep-alive pool per origin, unbounded, shared by every HTTP integration. */
const AGENT_OPTIONS = { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connections: null, pipelining: 1 } as const;

/** Where the InvocationContext of a response is kept for its 'close' listener (no closure per request). */
const CONTEXT = Symbol('archway.invocation');
type TrackedResponse = ServerResponse & { [CONTEXT]?: InvocationContext };

/** The client went away: an integration call still waiting for its answer is cancelled. */
function onResponseClose(this: TrackedResponse): void {
  this[CONTEXT]?.pending?.cancel(new ClientAbortedError('client closed the connection before the endpoint answered'));
}

export class DataPlane {
  readonly #agent: Agent;
  #insecureAgent: Agent | undefined;
  /** Connecting is part of the integration deadline; undici's own connect timeout never cuts it shorter. */
  readonly #connect: { timeout: number };
  readonly #services: PipelineServices;
  readonly #compileOptions: CompileOptions;
  readonly #deployments: DeploymentsTable;
  readonly #runner: PipelineRunner<InvocationContext>;
  readonly #usagePlans: UsagePlansTable;
  readonly #iamCallers: IamCallersTable;

  constructor(deps: DataPlaneDeps) {
    this.#connect = { timeout: deps.env.limits.maxIntegrationTimeoutMs };
    this.#agent = new Agent({ ...AGENT_OPTIONS, connect: this.#connect });
    this.#usagePlans = new UsagePlansTable(deps.store, deps.secrets, deps.log);
    const metering = Object.freeze({
      usagePlans: this.#usagePlans,
      rateLimiter: deps.state.rateLimiter,
      quotaCounter: deps.state.quotaCounter,
      account: Object.freeze({ rate: deps.env.limits.accountRateLimit, burst: deps.env.limits.accountBurstLimit }),
    });
    const userPools = deps.userPools ?? new UserPoolVerifier({ pools: [], log: deps.log });
    this.#iamCallers = new IamCallersTable(deps.store, deps.secrets, deps.adminCredentials, deps.env.accountId, deps.log);
    this.#services = Object.freeze({
      env: deps.env, log: deps.log, bodies: deps.bodies, metering, authorizerCache: deps.state.authorizerCache, userPools, iam: this.#iamCallers,
      jwtAuthorizers: new JwtAuthorizers({ log: deps.log, jwksRefetchIntervalMs: deps.env.limits.jwksRefetchIntervalMs }),
    });
    this.#compileOptions = Object.freeze({
      region: deps.env.region,
      accountId: deps.env.accountId,
      defaultTimeoutMs: deps.env.limits.defaultIntegrationTimeoutMs,
      userPools,
      account: metering.account,
      integrations: createIntegrations({
        dispatcher: this.#agent,
        insecure: () => this.#insecure(),
        functions: deps.functions,
        maxResponseBodyBytes: deps.env.limits.maxResponseBodyBytes,
      }),
    });
    this.#deployments = new DeploymentsTable({ store: deps.store, log: deps.log, compileOptions: this.#compileOptions });
    this.#runner = new PipelineRunner<InvocationContext>({
      deliver: (ctx, finish) => this.#deliver(ctx, finish),
      finalizers: [requestLog(deps.log, deps.onRequestLogged)],
      log: deps.log,
    });
  }

  get deployments(): DeploymentsTable {
    return this.#deployments;
  }

  /** What steps share (TestInvokeMethod runs the same steps with them). */
  get services(): PipelineServices {
    return this.#services;
  }

  /** How this data plane compiles deployments (its integrations' dispatchers). */
  get compileOptions(): CompileOptions {
    return this.#compileOptions;
  }

  /** The API keys and usage plans requests are metered by. */
  get usagePlans(): UsagePlansTable {
    return this.#usagePlans;
  }

  /** The IAM callers `AWS_IAM` methods are verified against. */
  get iamCallers(): IamCallersTable {
    return this.#iamCallers;
  }

  async start(): Promise<void> {
    await Promise.all([this.#deployments.load(), this.#usagePlans.start(), this.#iamCallers.start()]);
  }

  /**
   * Called after the listener has drained: backend requests still in flight were abandoned with
   * their clients, so their connections are destroyed rather than waited for.
   */
  async close(): Promise<void> {
    this.#deployments.close();
    this.#usagePlans.stop();
    this.#iamCallers.stop();
    await Promise.all([this.#agent.destroy(), this.#insecureAgent?.destroy()]);
  }

  /** For integrations with tlsConfig.insecureSkipVerification: created on first use. */
  #insecure(): Agent {
    return (this.#insecureAgent ??= new Agent({ ...AGENT_OPTIONS, connect: { ...this.#connect, rejectUnauthorized: false } }));
  }

  handle(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget): void | Promise<void> {
    if (target.kind === 'http-stage') {
      if (target.defaultEndpoint && target.stage.deployment.api.disableExecuteApiEndpoint) return this.#answer(req, res, target, HTTP_NOT_FOUND_STEPS);
      return this.#run(new HttpContext(methodRequestOf(req, target), target.rawPath, target.stage, this.#services), res);
    }
    if (target.kind === 'http-not-found') return this.#answer(req, res, target, HTTP_NOT_FOUND_STEPS);
    if (target.kind !== 'stage') return this.#answer(req, res, target, target.kind === 'unknown-api' ? UNKNOWN_API_STEPS : FORBIDDEN_STEPS);
    const stage = target.stage;
    if (target.defaultEndpoint && stage.deployment.api.disableExecuteApiEndpoint) {
      return this.#answer(req, res, target, FORBIDDEN_STEPS);
    }
    return this.#run(new RestContext(methodRequestOf(req, target), stage, this.#services), res);
  }

  /**
   * `Expect: 100-continue` with a declared body over the payload limit (the listener's
   * checkContinue): 413 REQUEST_TOO_LARGE at once, without reading the body, and the connection
   * closed since the client may or may not send it.
   */
  rejectOversized(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget): void {
    void this.#answer(req, res, target, isHttpApi(target) ? HTTP_TOO_LARGE_STEPS : TOO_LARGE_STEPS);
  }

  /** A request answered without a stage's steps: the same runner, delivery and finalizers. */
  #answer(req: IncomingMessage, res: ServerResponse, target: DataPlaneTarget, steps: StepList<InvocationContext>): void | Promise<void> {
    // Unknown API → 404, known API with an unknown or missing stage → 403, as AWS answers.
    const invocation = target.kind === 'stage' || target.kind === 'http-stage'
      ? { apiId: target.stage.apiId, stageName: target.stage.stageName, deploymentId: undefined }
      : { apiId: target.apiId, stageName: target.stageName, deploymentId: undefined };
    return this.#run(new InvocationContext(methodRequestOf(req, target), invocation, steps, this.#services), res);
  }

  #run(ctx: InvocationContext, res: ServerResponse): void | Promise<void> {
    ctx.res = res;
    (res as TrackedResponse)[CONTEXT] = ctx;
    res.on('close', onResponseClose);
    return this.#runner.run(ctx);
  }

  /** Writes `ctx.response`; `finish` runs the finalizers once the last byte is out. */
  #deliver(ctx: InvocationContext, finish: (ctx: InvocationContext) => void): void {
    const res = ctx.res;
    const out = ctx.response;
    if (res === undefined || out === undefined) return finish(ctx);
    const headers = out.headers;
    ctx.idHeaders(headers);
    if (ctx.error?.closeConnection === true) headers.push('Connection', 'close');
    const body = out.body;
    // 204 and 304 carry no body and no Content-Length (RFC 9110 §8.6).
    const bodiless = out.statusCode === 204 || out.statusCode === 304;
    if (Buffer.isBuffer(body)) {
      if (!bodiless) headers.push('Content-Length', String(body.length));
      if (!writeHead(res, out.statusCode, headers)) return this.#badHeaders(ctx, res, finish);
      res.end(body);
      return finish(ctx);
    }
    // A HEAD answer's length is the backend's declared one (what GET would send), never the 0 bytes received.
    const length = out.streamLength ?? (ctx.httpMethod === 'HEAD' ? undefined : body.completeLength);
    if (length !== undefined && !bodiless) headers.push('Content-Length', String(length));
    if (!writeHead(res, out.statusCode, headers)) {
      body.destroy();
      return this.#badHeaders(ctx, res, finish);
    }
    body.pipeTo(res, (error) => {
      if (error) ctx.failureReason = `response stream failed: ${error.message}`;
      finish(ctx);
    });
  }

  /** A header value the client cannot receive (a template put a newline in it): answer 500. */
  #badHeaders(ctx: InvocationContext, res: ServerResponse, finish: (ctx: InvocationContext) => void): void {
    const reason = 'invalid response header value';
    if (res.headersSent) {
      ctx.failureReason = reason;
      res.destroy();
      return finish(ctx);
    }
    ctx.steps.error(ctx, new InternalServerError(undefined, { reason }));
    const out = ctx.response;
    if (out !== undefined && Buffer.isBuffer(out.body)) {
      ctx.idHeaders(out.headers);
      out.headers.push('Content-Length', String(out.body.length));
      if (writeHead(res, out.statusCode, out.headers)) res.end(out.body);
      else res.destroy();
    } else res.destroy();
    finish(ctx);
  }
}

/** A target of an HTTP API: answered with HTTP API's bodies and request id. */
function isHttpApi(target: DataPlaneTarget): boolean {
  return target.kind === 'http-stage' || target.kind === 'http-not-found';
}

function writeHead(res: ServerResponse, status: number, headers: string[]): boolean {
  try {
    res.writeHead(status, headers);
    return true;
  } catch {
    return false;
  }
}

function methodRequestOf(req: IncomingMessage, target: DataPlaneTarget): MethodRequestInit {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  return {
    httpMethod: req.method ?? 'GET',
    path: target.path,
    requestPath: queryAt === -1 ? url : url.slice(0, queryAt),
    rawQuery: target.rawQuery,
    rawHeaders: req.rawHeaders,
    sourceIp: sourceIpOf(req),
    protocol: req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${req.httpVersion}`,
    secure: (req.socket as { encrypted?: boolean }).encrypted === true,
    incoming: req,
    // Set here for every request, so the object has one shape whichever kind of API it reaches.
    httpApi: isHttpApi(target),
  };
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export type { GatewayOutput };
