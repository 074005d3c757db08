// Gateway errors over real HTTP: unknown API/stage, missing routes, 413 and the server staying
// up, disabled default endpoint, customised gateway responses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { startBackend, buildApi, type TestBackend } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let backend: TestBackend;
let dp: TestGateway;

const mockGet = {
  GET: {
    integration: {
      type: 'MOCK' as const,
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: { '200': { statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } } },
    },
  },
};

beforeAll(async () => {
  backend = await startBackend();
  dp = await startGateway();
  await dp.deploy(buildApi({
    id: 'errapi',
    resources: {
      '/pets': mockGet,
      '/upload': { POST: { integration: { type: 'HTTP_PROXY', httpMethod: 'POST', uri: `${backend.url}/upload` } } },
    },
  }), 'dev');
  await dp.deploy(buildApi({
    id: 'customapi',
    resources: {
      '/pets': mockGet,
      '/boom': { GET: { integration: { type: 'MOCK', requestTemplates: { 'application/json': 'not json' } } } },
      '/strict': {
        POST: {
          integration: {
            type: 'MOCK', passthroughBehavior: 'NEVER', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
    },
    gatewayResponses: {
      DEFAULT_4XX: {
        responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
        responseTemplates: { 'application/json': '{"error":$context.error.messageString,"type":"$context.error.responseType"}' },
      },
      MISSING_AUTHENTICATION_TOKEN: {
        statusCode: '404',
        responseParameters: { 'gatewayresponse.header.x-request-id': 'context.requestId', 'gatewayresponse.header.x-color': 'stageVariables.color' },
        responseTemplates: { 'application/json': '{"notFound":"$context.path","stage":"$stageVariables.color"}' },
      },
      DEFAULT_5XX: { statusCode: '503', responseTemplates: { 'application/json': '{"fault":$context.error.messageString}' } },
    },
  }), 'prod', { variables: { color: 'green' } });
  await dp.deploy(buildApi({ id: 'privateapi', resources: { '/pets': mockGet }, disableExecuteApiEndpoint: true }), 'dev');
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
});

async function call(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body: await response.body.text() };
}

describe('unknown API and stage', () => {
  it('404 for an API id that does not exist', async () => {
    const { status, headers, body } = await call(dp.invokeUrl('nosuchapi', 'dev', '/pets'));
    expect(status).toBe(404);
    expect(body).toBe(`{"message":"The API id 'nosuchapi' does not correspond to a deployed API Gateway API"}`);
    expect(headers['x-amzn-requestid']).toBeDefined();
    expect(headers['x-amz-apigw-id']).toBeDefined();
  });

  it('403 Forbidden for an unknown stage and for a missing stage segment', async () => {
    for (const url of [dp.invokeUrl('errapi', 'nostage', '/pets'), `${dp.url}/_aws/execute-api/errapi`, `${dp.url}/_aws/execute-api/errapi/`]) {
      const { status, headers, body } = await call(url);
      expect(status).toBe(403);
      expect(body).toBe('{"message":"Forbidden"}');
      expect(headers['x-amzn-errortype']).toBe('ForbiddenException');
    }
  });

  it('403 Forbidden on the default endpoint when disableExecuteApiEndpoint is set', async () => {
    const { status, body } = await call(dp.invokeUrl('privateapi', 'dev', '/pets'));
    expect(status).toBe(403);
    expect(body).toBe('{"message":"Forbidden"}');
  });
});

describe('missing routes', () => {
  it('403 Missing Authentication Token for an unknown path or an unsupported verb', async () => {
    for (const [method, path] of [['GET', '/nope'], ['DELETE', '/pets'], ['GET', '/pets/1'], ['GET', '/']] as const) {
      const { status, headers, body } = await call(dp.invokeUrl('errapi', 'dev', path), { method });
      expect(status).toBe(403);
      expect(body).toBe('{"message":"Missing Authentication Token"}');
      expect(headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(headers['x-amz-apigw-id']).toBeDefined();
    }
  });

  it('routes a trailing slash like the path without it', async () => {
    expect((await call(dp.invokeUrl('errapi', 'dev', '/pets/'))).body).toBe('{"ok":true}');
  });
});

describe('payload limit (413)', () => {
  const limit = 10 * 1024 * 1024;

  it('rejects Content-Length over 10 MB with the plain-text 413, then keeps serving', async () => {
    const { status, headers, body } = await call(dp.invokeUrl('errapi', 'dev', '/upload'), { method: 'POST', body: Buffer.alloc(limit + 1, 97) });
    expect(status).toBe(413);
    expect(body).toBe('HTTP content length exceeded 10485760 bytes.');
    expect(headers['content-type']).toBe('text; charset=utf-8');
    expect(backend.requests.some((r) => r.path === '/upload')).toBe(false);
    expect((await call(dp.invokeUrl('errapi', 'dev', '/pets'))).body).toBe('{"ok":true}');
  });

  it('rejects a chunked body as soon as it passes 10 MB', async () => {
    async function* chunks() {
      const piece = Buffer.alloc(1024 * 1024, 98);
      for (let i = 0; i < 11; i++) yield piece;
    }
    const { status, body } = await call(dp.invokeUrl('errapi', 'dev', '/upload'), { method: 'POST', body: Readable.from(chunks()) });
    expect(status).toBe(413);
    expect(body).toBe('HTTP content length exceeded 10485760 bytes.');
    expect((await call(dp.invokeUrl('errapi', 'dev', '/pets'))).status).toBe(200);
  });

  it('accepts exactly 10 MB', async () => {
    // The backend answers with the length only: echoing 10 MB back would pass the response limit.
    backend.respond = (req) => (req.path === '/upload' ? { body: JSON.stringify({ bodyLength: req.bodyLength }) } : undefined);
    const { status, body } = await call(dp.invokeUrl('errapi', 'dev', '/upload'), { method: 'POST', body: Buffer.alloc(limit, 99) });
    backend.respond = undefined;
    expect(status).toBe(200);
    expect(JSON.parse(body).bodyLength).toBe(limit);
  });
});

describe('malformed and aborted requests', () => {
  it('survives a client that disconnects mid-body', async () => {
    const port = Number(new URL(dp.url).port);
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /_aws/execute-api/errapi/dev/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call(dp.invokeUrl('errapi', 'dev', '/pets'))).status).toBe(200);
  });

  it('answers odd methods and paths without crashing', async () => {
    expect((await call(dp.invokeUrl('errapi', 'dev', '/pets'), { method: 'PROPFIND' })).status).toBe(403);
    expect((await call(dp.invokeUrl('errapi', 'dev', '/%E0%A4%A/x?%%%=%'))).status).toBe(403);
  });
});

describe('customised gateway responses', () => {
  it("uses the type's own response with $context and $stageVariables substitution", async () => {
    const { status, headers, body } = await call(dp.invokeUrl('customapi', 'prod', '/missing'));
    expect(status).toBe(404);
    expect(body).toBe('{"notFound":"/prod/missing","stage":"green"}');
    expect(headers['x-request-id']).toBe(headers['x-amzn-requestid']);
    expect(headers['x-color']).toBe('green');
    expect(headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('falls back to the customised DEFAULT_4XX for other 4xx types', async () => {
    const { status, headers, body } = await call(dp.invokeUrl('customapi', 'prod', '/strict'), {
      method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' },
    });
    expect(status).toBe(415);
    expect(body).toBe('{"error":"Unsupported Media Type","type":"UNSUPPORTED_MEDIA_TYPE"}');
    expect(headers['access-control-allow-origin']).toBe('*');
    expect(headers['x-amzn-errortype']).toBe('BadRequestException');
  });

  it('applies DEFAULT_5XX to a 5xx', async () => {
    const { status, body } = await call(dp.invokeUrl('customapi', 'prod', '/boom'));
    expect(status).toBe(503);
    expect(body).toBe('{"fault":"Internal server error"}');
  });
});
