// HTTP_PROXY over real HTTP: the data plane in front of a local echo backend. Driven through the
// DataPlane directly (no control plane).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startBackend, buildApi, refusedPort, patternBytes, type TestBackend, type EchoBody } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let backend: TestBackend;
let dp: TestGateway;
let deadPort: number;

beforeAll(async () => {
  backend = await startBackend();
  dp = await startGateway();
  deadPort = await refusedPort();
  await dp.deploy(buildApi({
    id: 'proxyapi',
    resources: {
      '/': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/` } } },
      '/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/{proxy}` } } },
      '/mapped/{proxy+}': {
        ANY: {
          integration: {
            type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/m/{proxy}`,
            requestParameters: {
              'integration.request.header.x-static': "'fixed'",
              'integration.request.header.x-from-query': 'method.request.querystring.q',
              'integration.request.querystring.added': 'method.request.header.x-add',
              'integration.request.header.x-stage': 'stageVariables.color',
              'integration.request.header.x-request-id': 'context.requestId',
            },
          },
        },
      },
      '/staged/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://127.0.0.1:${stageVariables.port}/staged/{proxy}' } } },
      '/slow/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/{proxy}`, timeoutInMillis: 200 } } },
      '/dead/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `http://127.0.0.1:${deadPort}/{proxy}` } } },
      '/nodns/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://archway-test.invalid/{proxy}' } } },
      '/fixed': { POST: { integration: { type: 'HTTP_PROXY', httpMethod: 'PUT', uri: `${backend.url}/fixed-target?from=uri` } } },
    },
  }), 'dev', { variables: { port: String(backend.port), color: 'blue' } });
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
});

async function call(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(dp.invokeUrl('proxyapi', 'dev', path), options);
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers as Record<string, string | string[] | undefined>, body };
}
const echoOf = (body: Buffer) => JSON.parse(body.toString()) as EchoBody;

describe('HTTP_PROXY /{proxy+}', () => {
  it('forwards method, raw path and query; answers with the backend status, headers and body', async () => {
    const { status, headers, body } = await call('/pets/7?a=1&b=x%20y&b=2', { method: 'GET' });
    expect(status).toBe(200);
    const echo = echoOf(body);
    expect(echo.method).toBe('GET');
    expect(echo.path).toBe('/pets/7');
    expect(echo.query).toBe('a=1&b=x%20y&b=2');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-backend']).toBe('echo');
    expect(headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-amz-apigw-id']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    // The backend's Content-Length and Date reach the client remapped; ours replace them.
    expect(headers['x-amzn-remapped-content-length']).toBe(String(body.length));
    expect(headers['x-amzn-remapped-date']).toBeDefined();
    expect(headers['content-length']).toBe(String(body.length));
    expect(headers['x-amzn-remapped-connection']).toBe('keep-alive');
  });

  it('keeps percent-encoding and repeated slashes in the greedy path', async () => {
    const echo = echoOf((await call('/a//b/test%2Balias@gmail.com')).body);
    expect(echo.path).toBe('/a//b/test%2Balias@gmail.com');
  });

  it('serves the root resource; /{proxy+} does not take /', async () => {
    const echo = echoOf((await call('/')).body);
    expect(echo.path).toBe('/');
  });

  it('forwards headers except the hop-by-hop list, adds API Gateway headers, drops SigV4 Authorization', async () => {
    const { body } = await call('/h', {
      headers: {
        'x-custom': 'one',
        'user-agent': 'my-agent/1',
        te: 'trailers',
        'max-forwards': '3',
        'x-forwarded-for': '10.0.0.1',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc',
      },
    });
    const echo = echoOf(body);
    expect(echo.headers['x-custom']).toBe('one');
    expect(echo.headers['user-agent']).toBe('my-agent/1');
    expect(echo.headers.te).toBeUndefined();
    expect(echo.headers['max-forwards']).toBeUndefined();
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-amzn-apigateway-api-id']).toBe('proxyapi');
    expect(echo.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(echo.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(echo.headers.host).toBe(`127.0.0.1:${backend.port}`);
  });

  it('keeps a non-SigV4 Authorization header', async () => {
    const echo = echoOf((await call('/h', { headers: { authorization: 'Bearer token-1' } })).body);
    expect(echo.headers.authorization).toBe('Bearer token-1');
  });

  it('forwards request bodies byte-exact, binary included', async () => {
    const payload = randomBytes(200_000);
    const { body } = await call('/upload', { method: 'POST', body: payload, headers: { 'content-type': 'application/octet-stream' } });
    const echo = echoOf(body);
    expect(echo.method).toBe('POST');
    expect(echo.bodyLength).toBe(payload.length);
    expect(echo.bodySha256).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(echo.headers['content-length']).toBe(String(payload.length));
  });

  it('returns a binary response byte-exact', async () => {
    const { status, headers, body } = await call('/__binary');
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(body.equals(patternBytes(256, 256))).toBe(true);
  });

  it('streams a 1 MB body with its length', async () => {
    const size = 1024 * 1024;
    const { status, headers, body } = await call(`/__bytes/${size}`);
    expect(status).toBe(200);
    expect(headers['content-length']).toBe(String(size));
    expect(body.length).toBe(size);
    expect(body.equals(patternBytes(size))).toBe(true);
  });

  it('passes backend error statuses through', async () => {
    const { status, body } = await call('/__status/404');
    expect(status).toBe(404);
    expect(echoOf(body).path).toBe('/__status/404');
  });

  it('decodes a compressed backend body and drops Content-Encoding', async () => {
    const { headers, body } = await call('/__gzip', { headers: { 'accept-encoding': 'gzip' } });
    expect(headers['content-encoding']).toBeUndefined();
    expect(body.toString()).toBe('{"compressed":true}');
  });

  it('adds mapped request parameters on top of what is forwarded', async () => {
    const echo = echoOf((await call('/mapped/x/y?q=search&keep=1', { headers: { 'x-add': 'v a' } })).body);
    expect(echo.path).toBe('/m/x/y');
    expect(echo.query).toBe('q=search&keep=1&added=v%20a');
    expect(echo.headers['x-static']).toBe('fixed');
    expect(echo.headers['x-from-query']).toBe('search');
    expect(echo.headers['x-stage']).toBe('blue');
    expect(echo.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('substitutes ${stageVariables.x} in the integration uri', async () => {
    const echo = echoOf((await call('/staged/z')).body);
    expect(echo.path).toBe('/staged/z');
  });

  it("uses the integration's own method and keeps the uri's query", async () => {
    const echo = echoOf((await call('/fixed?x=1', { method: 'POST', body: 'hi' })).body);
    expect(echo.method).toBe('PUT');
    expect(echo.path).toBe('/fixed-target');
    expect(echo.query).toBe('from=uri&x=1');
    expect(echo.body).toBe('hi');
  });

  it('answers 504 Endpoint request timed out past timeoutInMillis', async () => {
    const { status, headers, body } = await call('/slow/__delay/1000');
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Endpoint request timed out"}');
    expect(headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-amzn-requestid']).toBeDefined();
    const entry = dp.logs.find((log) => log.path === '/slow/__delay/1000');
    expect(entry).toMatchObject({ status: 504, error: 'endpoint request timed out after 200 ms', stage: 'dev', apiId: 'proxyapi' });
  });

  it('answers INTEGRATION_FAILURE when the backend refuses the connection', async () => {
    const { status, headers, body } = await call('/dead/x');
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Internal server error"}');
    expect(headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(dp.logs.find((log) => log.path === '/dead/x')).toMatchObject({ status: 504, error: 'backend refused connection' });
  });

  it('answers INTEGRATION_FAILURE when the backend host does not resolve', async () => {
    const { status, body } = await call('/nodns/x');
    expect(status).toBe(504);
    expect(body.toString()).toBe('{"message": "Internal server error"}');
    expect(dp.logs.find((log) => log.path === '/nodns/x')?.error).toBe('backend host not found (DNS)');
  });

  it('answers INTEGRATION_FAILURE when the backend resets the connection', async () => {
    backend.respond = (req) => {
      if (req.path === '/reset') throw Object.assign(new Error('reset'), { reset: true });
      return undefined;
    };
    const { status } = await call('/reset');
    backend.respond = undefined;
    expect(status).toBe(504);
    expect(dp.logs.find((log) => log.path === '/reset')?.error).toMatch(/backend (reset|closed) the connection/);
  });

  it('passes 204 and HEAD answers through without inventing a body length', async () => {
    backend.respond = (req) => (req.path === '/empty' ? { status: 204, body: '' } : undefined);
    const empty = await call('/empty');
    backend.respond = undefined;
    expect(empty.status).toBe(204);
    expect(empty.headers['content-length']).toBeUndefined();
    expect(empty.body.length).toBe(0);
    const head = await request(dp.invokeUrl('proxyapi', 'dev', '/head-check'), { method: 'HEAD' });
    await head.body.text();
    expect(head.statusCode).toBe(200);
    expect(backend.requests.at(-1)?.method).toBe('HEAD');
  });

  it('honours X-HTTP-Method-Override for routing and the forwarded method', async () => {
    const echo = echoOf((await call('/override', { method: 'POST', headers: { 'x-http-method-override': 'PATCH' }, body: 'b' })).body);
    expect(echo.method).toBe('PATCH');
  });

  it('stops reading from the backend when the client goes away mid-body, and keeps serving', async () => {
    const size = 8 * 1024 * 1024;
    const controller = new AbortController();
    const response = await request(dp.invokeUrl('proxyapi', 'dev', `/__bytes/${size}`), { signal: controller.signal });
    let received = 0;
    await new Promise<void>((resolve) => {
      response.body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 256 * 1024) {
          controller.abort();
          resolve();
        }
      });
      response.body.on('error', () => resolve());
    });
    expect(received).toBeLessThan(size);
    // The log line is written when the server notices the closed socket: poll, don't guess.
    let entry = dp.logs.find((log) => log.path === `/__bytes/${size}`);
    for (let waited = 0; entry === undefined && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entry = dp.logs.find((log) => log.path === `/__bytes/${size}`);
    }
    expect(entry?.error).toMatch(/client closed|response stream failed/);
    expect((await call('/after-abort')).status).toBe(200);
  });

  it('logs every request with latency and request id', async () => {
    const before = dp.logs.length;
    const { headers } = await call('/logged');
    const entry = dp.logs.slice(before).find((log) => log.path === '/logged')!;
    expect(entry).toMatchObject({ method: 'GET', status: 200, apiId: 'proxyapi', stage: 'dev' });
    expect(entry.requestId).toBe(headers['x-amzn-requestid']);
    expect(entry.latencyMs).toBeGreaterThanOrEqual(0);
    expect(entry.error).toBeUndefined();
  });
});
