// A real local HTTP backend for data-plane tests: listens on port 0 and echoes what it received
// as JSON. Per-test behaviour through `respond` (status, headers, body, delay) or the built-in
// paths below. Close it in afterAll.
//
//   /__status/{code}   echo with that status
//   /__delay/{ms}      echo after a delay
//   /__binary          the 256 bytes 0x00..0xff, application/octet-stream
//   /__bytes/{n}       n bytes (i % 251), streamed in 64 KB chunks
//   /__chunked/{n}     the same bytes without Content-Length (chunked)
//   /__gzip            gzip-encoded JSON {"compressed":true}
//
// `closed(path)` resolves when the connection of the last request for that path has closed
// (what a leak test watches); `stall` and `trickleMs` make answers that never finish or crawl.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type {
  GatewayResponse, GatewayResponseType, HttpMethod, Integration, IntegrationResponse, Method, MethodResponse, Resource, RestApiDefinition,
} from '../../src/model/rest-api.js';

export interface EchoBody {
  method: string;
  path: string;
  /** The raw query string (without '?'). */
  query: string;
  /** Flat [name, value, …] as received. */
  rawHeaders: string[];
  /** Lower-cased names → last value. */
  headers: Record<string, string>;
  body: string;
  bodyLength: number;
  /** Hex SHA-256 of the raw body bytes (binary-safe comparisons). */
  bodySha256: string;
}

export interface BackendResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  delayMs?: number;
  /** 'headers': never answer; 'body': send the headers and the body, then never end. */
  stall?: 'headers' | 'body';
  /** Send the headers at once, then the body one byte every `trickleMs`. */
  trickleMs?: number;
}

/** Return undefined for the echo; throw to reset the connection instead of answering. */
export type BackendHandler = (request: EchoBody) => BackendResponse | undefined;

export interface TestBackend {
  readonly port: number;
  /** `http://127.0.0.1:{port}` */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: EchoBody[];
  /** Overrides the answer; return undefined to fall back to the echo. */
  respond: BackendHandler | undefined;
  /** Resolves once a request for `path` has arrived and its response or connection has closed. */
  closed(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBackend(): Promise<TestBackend> {
  const requests: EchoBody[] = [];
  const backend: Partial<TestBackend> & { respond: BackendHandler | undefined } = { requests, respond: undefined };
  const closes = new Map<string, Promise<void>>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    closes.set(url.split('?')[0], new Promise<void>((resolve) => res.once('close', () => resolve())));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const echo = toEcho(req, body);
      requests.push(echo);
      let custom: BackendResponse | undefined;
      try {
        custom = backend.respond?.(echo) ?? builtIn(echo);
      } catch {
        // A handler that throws makes the backend reset the connection.
        req.socket.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        if (custom === undefined) {
          const json = JSON.stringify(echo);
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), 'X-Backend': 'echo' });
          res.end(json);
          return;
        }
        if (custom.stall === 'headers') return;
        if (custom.body instanceof StreamedBytes) {
          res.writeHead(custom.status ?? 200, custom.headers ?? {});
          custom.body.pipeTo(res);
          return;
        }
        if (custom.stall === 'body' || custom.trickleMs !== undefined) {
          const bytes = Buffer.from(custom.body ?? 'partial');
          res.writeHead(custom.status ?? 200, { 'Content-Type': 'application/json', ...custom.headers });
          res.flushHeaders();
          if (custom.stall === 'body') {
            res.write(bytes);
            return;
          }
          let sent = 0;
          const timer = setInterval(() => {
            if (res.destroyed) return clearInterval(timer);
            res.write(bytes.subarray(sent, sent + 1));
            if (++sent === bytes.length) {
              clearInterval(timer);
              res.end();
            }
          }, custom.trickleMs);
          return;
        }
        const payload = custom.body ?? JSON.stringify(echo);
        res.writeHead(custom.status ?? 200, { 'Content-Type': 'application/json', ...custom.headers });
        res.end(payload);
      };
      if (custom?.delayMs) setTimeout(send, custom.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(backend, {
    port,
    url: `http://127.0.0.1:${port}`,
    async closed(path: string) {
      for (let waited = 0; !closes.has(path); waited += 10) {
        if (waited > 5000) throw new Error(`no request for ${path} reached the backend`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await closes.get(path);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  }) as TestBackend;
}

/** A port nothing listens on (bound then released): connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The bytes `/__bytes/{n}` and `/__binary` produce, for byte-exact comparisons. */
export function patternBytes(length: number, modulo = 251): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = i % modulo;
  return buffer;
}

class StreamedBytes {
  constructor(readonly length: number) {}
  pipeTo(res: ServerResponse): void {
    let sent = 0;
    const chunk = 64 * 1024;
    const write = () => {
      while (sent < this.length) {
        const size = Math.min(chunk, this.length - sent);
        const piece = Buffer.alloc(size);
        for (let i = 0; i < size; i++) piece[i] = (sent + i) % 251;
        sent += size;
        if (!res.write(piece)) {
          res.once('drain', write);
          return;
        }
      }
      res.end();
    };
    write();
  }
}

function builtIn(echo: EchoBody): BackendResponse | undefined {
  const path = echo.path;
  let match: RegExpExecArray | null;
  if ((match = /^\/__status\/(\d{3})/.exec(path))) return { status: Number(match[1]) };
  if ((match = /^\/__delay\/(\d+)/.exec(path))) return { delayMs: Number(match[1]) };
  if (path.startsWith('/__binary')) return { headers: { 'Content-Type': 'application/octet-stream' }, body: patternBytes(256, 256) };
  if ((match = /^\/__bytes\/(\d+)/.exec(path))) {
    const length = Number(match[1]);
    return { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(length) }, body: new StreamedBytes(length) as unknown as Buffer };
  }
  if ((match = /^\/__chunked\/(\d+)/.exec(path))) {
    return { headers: { 'Content-Type': 'application/octet-stream' }, body: new StreamedBytes(Number(match[1])) as unknown as Buffer };
  }
  if (path.startsWith('/__gzip')) return { headers: { 'Content-Encoding': 'gzip' }, body: gzipSync('{"compressed":true}') };
  return undefined;
}

function toEcho(req: IncomingMessage, body: Buffer): EchoBody {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i].toLowerCase()] = req.rawHeaders[i + 1];
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    rawHeaders: [...req.rawHeaders],
    headers,
    body: body.toString('utf8'),
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
}

// ---------------------------------------------------------------------------------------------
// A builder for RestApiDefinitions, which `startGateway` (gateway.ts) deploys through the SDK.

export interface MethodSpec {
  integration: Partial<Integration> & Pick<Integration, 'type'>;
  /** Status codes (shorthand) or full method responses. */
  methodResponses?: string[] | Record<string, MethodResponse>;
  requestParameters?: Record<string, boolean>;
}

export interface ApiSpec {
  id: string;
  /** Resource path → verb → method. Parents are created as needed. */
  resources: Record<string, Partial<Record<HttpMethod, MethodSpec>>>;
  binaryMediaTypes?: string[];
  gatewayResponses?: Partial<Record<GatewayResponseType, Omit<GatewayResponse, 'responseType'>>>;
  disableExecuteApiEndpoint?: boolean;
}

export function buildApi(spec: ApiSpec): RestApiDefinition {
  const resources: Record<string, Resource> = { root: { id: 'root', path: '/' } };
  const byPath = new Map<string, Resource>([['/', resources.root]]);
  let counter = 0;
  const ensure = (path: string): Resource => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = ensure(cut === 0 ? '/' : path.slice(0, cut));
    const resource: Resource = { id: `res${++counter}`, parentId: parent.id, pathPart: path.slice(cut + 1), path };
    resources[resource.id] = resource;
    byPath.set(path, resource);
    return resource;
  };
  for (const [path, methods] of Object.entries(spec.resources)) {
    const resource = ensure(path);
    resource.resourceMethods ??= {};
    for (const [verb, method] of Object.entries(methods) as [HttpMethod, MethodSpec][]) {
      const methodResponses: Record<string, MethodResponse> = Array.isArray(method.methodResponses ?? ['200'])
        ? Object.fromEntries((method.methodResponses as string[] | undefined ?? ['200']).map((code) => [code, { statusCode: code }]))
        : (method.methodResponses as Record<string, MethodResponse>);
      const integrationResponses: Record<string, IntegrationResponse> | undefined = method.integration.integrationResponses;
      resource.resourceMethods[verb] = {
        httpMethod: verb,
        authorizationType: 'NONE',
        apiKeyRequired: false,
        requestParameters: method.requestParameters,
        methodResponses,
        methodIntegration: { timeoutInMillis: 29000, ...method.integration, integrationResponses },
      } satisfies Method;
    }
  }
  const gatewayResponses: RestApiDefinition['gatewayResponses'] = {};
  for (const [type, response] of Object.entries(spec.gatewayResponses ?? {})) {
    gatewayResponses[type as GatewayResponseType] = { responseType: type as GatewayResponseType, ...response };
  }
  return {
    api: {
      id: spec.id,
      name: spec.id,
      createdDate: 0,
      apiKeySource: 'HEADER',
      endpointConfiguration: { types: ['REGIONAL'] },
      disableExecuteApiEndpoint: spec.disableExecuteApiEndpoint ?? false,
      rootResourceId: 'root',
      binaryMediaTypes: spec.binaryMediaTypes,
    },
    resources,
    models: {},
    requestValidators: {},
    gatewayResponses,
  };
}
