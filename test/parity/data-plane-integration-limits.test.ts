// HTTP and HTTP_PROXY integrations at their edges, over real HTTP: a client that leaves before
// the answer, `timeoutInMillis` as a deadline (connect, headers, a trickled body), the 10 MB
// response payload limit
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html;
// decompression bombs included) and compressed backends answering without a body (HEAD, 304).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer as createTcpServer, type Server as TcpServer, type Socket, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { startBackend, buildApi, type BackendResponse, type TestBackend } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { testInvokeMethod } from '../../src/data-plane/test-invoke.js';
import type { RequestLogEntry } from '../../src/data-plane/data-plane.js';

const LIMIT = 10 * 1024 * 1024;
const OVER = LIMIT + 1024 * 1024;
const TOO_LARGE = `endpoint response body exceeds ${LIMIT} bytes`;

let backend: TestBackend;
let dp: TestGateway;
/** Accepts TCP connections and never says a word (a TLS handshake that stalls). */
let silent: TcpServer;
const silentSockets: Socket[] = [];

const ok = { '200': { statusCode: '200' } };
const definition = () => buildApi({
  id: 'edgeapi',
  resources: {
    '/proxy/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/{proxy}` } } },
    '/http/{proxy+}': { ANY: { integration: { type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/{proxy}`, integrationResponses: ok } } },
    '/http1s/{proxy+}': { ANY: { integration: { type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/{proxy}`, integrationResponses: ok, timeoutInMillis: 1000 } } },
    '/http300/{proxy+}': { ANY: { integration: { type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/{proxy}`, integrationResponses: ok, timeoutInMillis: 300 } } },
    '/proxy300/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/{proxy}`, timeoutInMillis: 300 } } },
    '/tls': { GET: { integration: { type: 'HTTP_PROXY', httpMethod: 'GET', uri: `https://127.0.0.1:${(silent.address() as AddressInfo).port}/`, timeoutInMillis: 500 } } },
  },
});

beforeAll(async () => {
  backend = await startBackend();
  silent = createTcpServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  dp = await startGateway();
  await dp.deploy(definition(), 'dev');
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
  for (const socket of silentSockets) socket.destroy();
  silent?.close();
});

async function call(path: string, options: Parameters<typeof request>[1] = {}) {
  const started = performance.now();
  const response = await request(dp.invokeUrl('edgeapi', 'dev', path), options);
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body, elapsed: performance.now() - started };
}

async function logOf(path: string): Promise<RequestLogEntry> {
  for (let waited = 0; waited < 5000; waited += 10) {
    const entry = dp.logs.find((log) => log.path === path);
    if (entry) return entry;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no request log line for ${path}`);
}

/** Fails unless the backend sees its connection for `path` closed within `ms`. */
function backendClosed(path: string, ms = 2000): Promise<void> {
  return Promise.race([
    backend.closed(path),
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`the backend connection for ${path} was left open`)), ms)),
  ]);
}

async function backendGot(path: string): Promise<void> {
  for (let waited = 0; !backend.requests.some((r) => r.path === path); waited += 10) {
    if (waited > 5000) throw new Error(`${path} never reached the backend`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a client that leaves before its answer', () => {
  it('HTTP_PROXY, before the backend answers: the backend connection is closed and the request logged', async () => {
    backend.respond = (req) => (req.path === '/leave-early' ? { stall: 'headers' } : undefined);
    const controller = new AbortController();
    const pending = request(dp.invokeUrl('edgeapi', 'dev', '/proxy/leave-early'), { signal: controller.signal }).catch(() => undefined);
    await backendGot('/leave-early');
    controller.abort();
    await pending;
    await backendClosed('/leave-early');
    expect(await logOf('/proxy/leave-early')).toMatchObject({ status: 499, error: 'client closed the connection before the endpoint answered' });
    backend.respond = undefined;
  });

  it('HTTP, after the backend headers, while the body is buffered: the same', async () => {
    backend.respond = (req) => (req.path === '/leave-buffering' ? { stall: 'body' } : undefined);
    const controller = new AbortController();
    const pending = request(dp.invokeUrl('edgeapi', 'dev', '/http/leave-buffering'), { signal: controller.signal }).catch(() => undefined);
    await backendGot('/leave-buffering');
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await pending;
    await backendClosed('/leave-buffering');
    expect(await logOf('/http/leave-buffering')).toMatchObject({ status: 499 });
    backend.respond = undefined;
  });

  it('HTTP_PROXY, after the answer started: the backend connection is closed and the request logged', async () => {
    backend.respond = (req) => (req.path === '/leave-streaming' ? { stall: 'body', body: 'first bytes' } : undefined);
    const controller = new AbortController();
    const response = await request(dp.invokeUrl('edgeapi', 'dev', '/proxy/leave-streaming'), { signal: controller.signal });
    expect(response.statusCode).toBe(200);
    response.body.on('error', () => {});
    controller.abort();
    await backendClosed('/leave-streaming');
    expect((await logOf('/proxy/leave-streaming')).error).toMatch(/client closed the connection/);
    backend.respond = undefined;
    expect((await call('/proxy/after-leaving')).status).toBe(200);
  });
});

describe('timeoutInMillis is a deadline from dispatch', () => {
  it('HTTP: a body trickling in (a byte every 800 ms, timeout 1000) → 504 at about 1 s', async () => {
    backend.respond = (req) => (req.path === '/trickle' ? { trickleMs: 800, body: '12345' } : undefined);
    const { status, body, headers, elapsed } = await call('/http1s/trickle');
    backend.respond = undefined;
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Endpoint request timed out"}');
    expect(headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1800);
    await backendClosed('/trickle');
    expect(await logOf('/http1s/trickle')).toMatchObject({ status: 504, error: 'endpoint request timed out after 1000 ms' });
  });

  it('a TLS handshake that never completes → 504 within the timeout', async () => {
    const { status, body, elapsed } = await call('/tls');
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Endpoint request timed out"}');
    expect(elapsed).toBeLessThan(1500);
    expect(silentSockets.length).toBeGreaterThan(0);
  });

  it('slow headers → 504 at the timeout, HTTP and HTTP_PROXY alike', async () => {
    for (const path of ['/http300/__delay/3000', '/proxy300/__delay/3000']) {
      const { status, body, elapsed } = await call(path);
      expect(status).toBe(504);
      expect(body.toString()).toBe('{"message": "Endpoint request timed out"}');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1500);
    }
  });
});

describe('endpoint statuses a client cannot be given', () => {
  it('HTTP and HTTP_PROXY: a status past 599 → 504 before anything is sent', async () => {
    for (const route of ['/http', '/proxy']) {
      const { status, body } = await call(`${route}/__status/600`);
      expect(status).toBe(504);
      expect(body.toString()).toBe('{"message": "Internal server error"}');
      expect(await logOf(`${route}/__status/600`)).toMatchObject({ status: 504, error: 'endpoint answered status 600, outside 100-599' });
    }
  });
});

describe('endpoint response bodies are capped at 10 MB', () => {
  it('HTTP: a declared body over the limit → 504, before it is read', async () => {
    const { status, body } = await call(`/http/__bytes/${OVER}`);
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Internal server error"}');
    expect(await logOf(`/http/__bytes/${OVER}`)).toMatchObject({ status: 504, error: TOO_LARGE });
  });

  it('HTTP: a chunked body → 504 as soon as it passes the limit', async () => {
    const { status } = await call(`/http/__chunked/${OVER}`);
    expect(status).toBe(504);
    expect(await logOf(`/http/__chunked/${OVER}`)).toMatchObject({ status: 504, error: TOO_LARGE });
    await backendClosed(`/__chunked/${OVER}`);
  });

  it('HTTP: exactly 10 MB passes', async () => {
    const { status, body } = await call(`/http/__bytes/${LIMIT}`);
    expect(status).toBe(200);
    expect(body.length).toBe(LIMIT);
  });

  it('HTTP_PROXY: a declared length over the limit → 504 before anything is sent', async () => {
    const { status, body } = await call(`/proxy/__bytes/${OVER}`);
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Internal server error"}');
    expect(await logOf(`/proxy/__bytes/${OVER}`)).toMatchObject({ status: 504, error: TOO_LARGE });
  });

  it('HTTP_PROXY: a chunked body past the limit is cut after 10 MB and logged', async () => {
    const response = await request(dp.invokeUrl('edgeapi', 'dev', `/proxy/__chunked/${OVER}`));
    expect(response.statusCode).toBe(200);
    let received = 0;
    await expect(new Promise((resolve, reject) => {
      response.body.on('data', (chunk: Buffer) => (received += chunk.length));
      response.body.on('end', resolve);
      response.body.on('error', reject);
    })).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(LIMIT);
    expect((await logOf(`/proxy/__chunked/${OVER}`)).error).toBe(`response stream failed: ${TOO_LARGE}`);
  });

  it('HTTP_PROXY: a gzip bomb that arrived whole → 504', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    backend.respond = (req) => (req.path === '/bomb' ? { headers: { 'Content-Encoding': 'gzip' }, body: bomb } : undefined);
    const { status, body } = await call('/proxy/bomb');
    backend.respond = undefined;
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Internal server error"}');
    expect(await logOf('/proxy/bomb')).toMatchObject({ status: 504, error: TOO_LARGE });
  });

  it('HTTP_PROXY: a gzip bomb still streaming is cut after 10 MB of output and logged', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    backend.respond = (req) => (req.path === '/bomb-stream' ? { headers: { 'Content-Encoding': 'gzip' }, body: bomb, stall: 'body' } : undefined);
    const response = await request(dp.invokeUrl('edgeapi', 'dev', '/proxy/bomb-stream'));
    let received = 0;
    await expect(new Promise((resolve, reject) => {
      response.body.on('data', (chunk: Buffer) => (received += chunk.length));
      response.body.on('end', resolve);
      response.body.on('error', reject);
    })).rejects.toThrow();
    backend.respond = undefined;
    expect(received).toBeLessThanOrEqual(LIMIT);
    expect((await logOf('/proxy/bomb-stream')).error).toBe(`response stream failed: ${TOO_LARGE}`);
    await backendClosed('/bomb-stream');
  });

  it('TestInvokeMethod: a streamed body past the limit → 504', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    backend.respond = (req) => (req.path === '/ti-bomb' ? { headers: { 'Content-Encoding': 'gzip' }, body: bomb, stall: 'body' } : undefined);
    const api = definition();
    const resourceId = Object.values(api.resources).find((r) => r.path === '/proxy/{proxy+}')!.id;
    const result = await testInvokeMethod(api, resourceId, 'ANY', { pathWithQueryString: '/proxy/ti-bomb' }, { env: dp.archway.dataPlane.services.env, dataPlane: dp.archway.dataPlane });
    backend.respond = undefined;
    expect(result.status).toBe(504);
    expect(result.body).toBe('{"message": "Internal server error"}');
    expect(result.log).toContain(TOO_LARGE);
  });
});

describe('compressed backends answering without a body', () => {
  it('HEAD through HTTP_PROXY to a gzip backend: 200, and the connection lives on', async () => {
    const head = await call('/proxy/__gzip', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(head.body.length).toBe(0);
    expect(dp.logs.find((log) => log.path === '/proxy/__gzip' && log.method === 'HEAD')?.error).toBeUndefined();
    const get = await call('/proxy/__gzip');
    expect(get.body.toString()).toBe('{"compressed":true}');
  });

  it('304 and an empty 200 from a gzip backend pass through', async () => {
    backend.respond = (req): BackendResponse | undefined => {
      if (req.path === '/not-modified') return { status: 304, headers: { 'Content-Encoding': 'gzip', ETag: '"v1"' }, body: '' };
      if (req.path === '/empty-gzip') return { status: 200, headers: { 'Content-Encoding': 'gzip', 'Content-Length': '0' }, body: '' };
      return undefined;
    };
    const notModified = await call('/proxy/not-modified', { headers: { 'if-none-match': '"v1"' } });
    const empty = await call('/proxy/empty-gzip');
    backend.respond = undefined;
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"v1"');
    expect(empty.status).toBe(200);
    expect(empty.body.length).toBe(0);
    expect(dp.logs.find((log) => log.path === '/proxy/not-modified')?.error).toBeUndefined();
    expect(dp.logs.find((log) => log.path === '/proxy/empty-gzip')?.error).toBeUndefined();
  });
});
