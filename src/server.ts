// The one listener (default port 4566, HTTP or, given a certificate, HTTPS): requests the
// resolution snapshot recognises go to the data plane, /_archway/* to the diagnostics,
// everything else to the control plane. Tracks in-flight requests so shutdown can drain them.
// `Expect: 100-continue` is answered here: a declared body over the plane's limit gets its 413
// before the client uploads it; anything else gets `100 Continue` and goes on as usual.
// Upgrade requests (WebSocket) are answered 426 until WebSocket APIs exist.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { InvokeTarget } from './routing/invoke-target.js';
import type { ControlPlane } from './control-plane/control-plane.js';
import type { DataPlane } from './data-plane/data-plane.js';
import type { Limits } from './options/limits.js';
import { handleArchwayEndpoint, type ArchwayEndpointDeps } from './observability/archway-endpoints.js';
import { BodiesOverBudgetError, BodyTimeoutError, ClientAbortedError, PayloadTooLargeError, type RequestBodies } from './request-body.js';
import { refusedRequestLine } from './request-line.js';
import type { Logger } from './observability/logger.js';
import { lambdaRequestLimit, lambdaRequestTooLarge } from './control-plane/lambda/request-limits.js';

/** Where the data plane's targets come from: the deployments table's current snapshot. */
export interface TargetResolver {
  resolve(url: string, host: string | undefined): InvokeTarget | undefined;
}

/** PEM certificate chain and private key: the listener serves HTTPS. */
export interface TlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface ListenerDeps {
  controlPlane: ControlPlane;
  dataPlane: DataPlane;
  targets: TargetResolver;
  tls?: TlsOptions;
  limits: Limits;
  /** Reads request bodies within the process-wide limits (the data plane shares it). */
  bodies: RequestBodies;
  version: string;
  startedAt: number;
  log: Pick<Logger, 'warn' | 'error'>;
  /** The local issuer's pools, served under /_archway/issuer/. */
  userPools?: ArchwayEndpointDeps['userPools'];
}

export interface ArchwayServer {
  server: Server;
  /** Stops accepting, waits for in-flight requests up to `timeoutMs`, then closes what is left. */
  drain(timeoutMs: number): Promise<void>;
}

export function createArchwayServer(deps: ListenerDeps): ArchwayServer {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const finished = () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', finished);
    const refused = refusedRequestLine(req);
    if (refused !== undefined) return answer(res, refused.status, refused.message, true);
    try {
      const outcome = route(req, res, deps);
      if (outcome) outcome.catch((error: unknown) => failSafe(res, error, deps));
    } catch (error) {
      failSafe(res, error, deps);
    }
  };
  const options = {
    maxHeaderSize: deps.limits.maxHeaderBytes,
    headersTimeout: Math.min(deps.limits.headersTimeoutMs, deps.limits.requestTimeoutMs),
    requestTimeout: deps.limits.requestTimeoutMs,
    // How often Node checks those two timeouts (its default, 30 s, would let a slow client stay that much longer).
    connectionsCheckingInterval: 1000,
    // A request without Host is answered by refusedRequestLine, in JSON.
    requireHostHeader: false,
  };
  const server: Server = deps.tls === undefined ? createServer(options, onRequest) : createTlsServer({ ...options, ...deps.tls }, onRequest);
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => answerUpgrade(socket));
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (rejectOversized(req, res, deps)) return;
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));

  return {
    server,
    drain(timeoutMs) {
      return new Promise((resolve) => {
        server.close();
        server.closeIdleConnections();
        const done = () => {
          clearTimeout(timer);
          server.closeAllConnections();
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        timer.unref();
        if (inFlight === 0) done();
        else drained = done;
      });
    },
  };
}

function route(req: IncomingMessage, res: ServerResponse, deps: ListenerDeps): void | Promise<void> {
  const url = req.url ?? '/';
  const target = deps.targets.resolve(url, req.headers.host);
  if (target) return deps.dataPlane.handle(req, res, target);
  if (url.startsWith('/_archway/')) return handleArchwayEndpoint(req, res, deps);
  // Lambda's code uploads and invocations have their own limits (and answers).
  const lambdaLimit = lambdaRequestLimit(req.method, url);
  const limit = lambdaLimit?.bytes ?? deps.limits.maxControlPlaneBodyBytes;
  const refusedBody = (error: unknown): void => {
    if (error instanceof BodyTimeoutError) return answer(res, 408, 'Request Timeout', true);
    if (error instanceof BodiesOverBudgetError) return answer(res, 503, 'Service Unavailable', true);
    if (!(error instanceof PayloadTooLargeError)) throw error;
    if (lambdaLimit !== undefined) lambdaRequestTooLarge(res, lambdaLimit, error.closeConnection);
    else controlPlaneTooLarge(res, error.closeConnection);
  };
  // Too large is said first (as before any signature); then the signature as far as the headers
  // tell, so that no unauthenticated body is buffered; then the body and the whole check.
  try {
    deps.bodies.refuseDeclaredOver(req, limit);
  } catch (error) {
    return refusedBody(error);
  }
  return deps.controlPlane.refuseBeforeBody(req, res).then((refused) => {
    if (refused) return;
    return Promise.resolve()
      .then(() => deps.bodies.read(req, limit))
      .then((body) => deps.controlPlane.handle(req, res, body), refusedBody);
  });
}

function controlPlaneTooLarge(res: ServerResponse, closeConnection: boolean): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'RequestEntityTooLargeException' };
  if (closeConnection) headers.Connection = 'close';
  res.writeHead(413, headers);
  res.end(JSON.stringify({ message: 'Request Entity Too Large' }));
}

/**
 * `Expect: 100-continue` with a Content-Length over the limit of the plane the URL goes to:
 * answers 413 at once (the body is never asked for, so the connection closes) and returns true.
 */
function rejectOversized(req: IncomingMessage, res: ServerResponse, deps: ListenerDeps): boolean {
  const declared = Number(req.headers['content-length']);
  if (!(declared > 0) || req.headers['transfer-encoding'] !== undefined) return false;
  const url = req.url ?? '/';
  const target = deps.targets.resolve(url, req.headers.host);
  if (target) {
    if (declared <= deps.limits.maxRequestBodyBytes) return false;
    deps.dataPlane.rejectOversized(req, res, target);
    return true;
  }
  if (url.startsWith('/_archway/')) return false;
  const lambdaLimit = lambdaRequestLimit(req.method, url);
  if (declared <= (lambdaLimit?.bytes ?? deps.limits.maxControlPlaneBodyBytes)) return false;
  if (lambdaLimit !== undefined) lambdaRequestTooLarge(res, lambdaLimit, true);
  else controlPlaneTooLarge(res, true);
  return true;
}

/** Last resort: an unexpected error is logged and answered 500, never a crash. */
function failSafe(res: ServerResponse, error: unknown, deps: ListenerDeps): void {
  if (error instanceof ClientAbortedError) {
    // An upload the client gave up on: nothing to answer, nothing broken.
    deps.log.warn({ method: res.req.method, path: res.req.url }, error.message);
    res.destroy();
    return;
  }
  deps.log.error({ err: error, where: 'listener' }, 'unexpected error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: 'Internal server error' }));
}

/** No protocol upgrade is served yet (WebSocket APIs are a later issue): 426 and hang up. */
function answerUpgrade(socket: Duplex): void {
  const body = JSON.stringify({ message: 'Upgrade Required' });
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 426 Upgrade Required\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Malformed or too slow HTTP never reaches a handler: answer it like a front door would and hang up. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request'];
  const body = JSON.stringify({ message: reason });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  // Headers or the whole request not received within --header-timeout / --request-timeout.
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** A JSON answer of the listener's own (no plane took the request). */
function answer(res: ServerResponse, status: number, message: string, close: boolean): void {
  const body = JSON.stringify({ message });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
