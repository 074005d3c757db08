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
import { handleArchwayEndpoint } from './observability/archway-endpoints.js';
import { readBody, PayloadTooLargeError } from './request-body.js';
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
  version: string;
  startedAt: number;
  onError: (error: unknown, where: string) => void;
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
    try {
      const outcome = route(req, res, deps);
      if (outcome) outcome.catch((error: unknown) => failSafe(res, error, deps));
    } catch (error) {
      failSafe(res, error, deps);
    }
  };
  const options = { maxHeaderSize: deps.limits.maxHeaderBytes };
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
  return Promise.resolve()
    .then(() => readBody(req, lambdaLimit?.bytes ?? deps.limits.maxControlPlaneBodyBytes))
    .then(
      (body) => deps.controlPlane.handle(req, res, body),
      (error: unknown) => {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        if (lambdaLimit !== undefined) lambdaRequestTooLarge(res, lambdaLimit, error.closeConnection);
        else controlPlaneTooLarge(res, error.closeConnection);
      },
    );
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
  deps.onError(error, 'listener');
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

/** Malformed HTTP never reaches a handler: answer it like a front door would and hang up. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({ message: tooLarge ? 'Request Header Fields Too Large' : 'Bad Request' });
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
