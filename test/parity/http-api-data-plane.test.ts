// HTTP APIs on the wire: APIs made with the real @aws-sdk/client-apigatewayv2, called over real
// HTTP — stages ($default and named), auto-deploy, route priority, HTTP_PROXY to a loopback
// backend, Lambda payload 2.0 and 1.0, HTTP API error bodies, CORS and route throttling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateDeploymentCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand, UpdateApiCommand, UpdateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { request as httpRequest } from 'node:http';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type EchoBody, type TestBackend } from '../helpers/backend.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';

let archway: TestArchway;
let v2: ApiGatewayV2Client;
let lambda: LambdaClient;
let backend: TestBackend;

/** A Lambda event as the echo function returns it. */
interface Event {
  [field: string]: unknown;
  headers: Record<string, string>;
  requestContext: Record<string, unknown>;
}

const settled = () => archway.running.dataPlane.deployments.settled();
const url = (apiId: string, path: string) => `${archway.endpoint}/_aws/execute-api/${apiId}${path}`;

/** A GET of `path` exactly as written (a URL parser would resolve its dot segments before sending). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${archway.endpoint}/`, { path, method: 'GET' }, (incoming) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function quickApi(target: string, extra: { RouteKey?: string; CorsConfiguration?: object } = {}): Promise<string> {
  const api = await v2.send(new CreateApiCommand({ Name: 'api', ProtocolType: 'HTTP', Target: target, ...extra }));
  await settled();
  return api.ApiId!;
}

beforeAll(async () => {
  archway = await startArchway();
  v2 = new ApiGatewayV2Client({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  lambda = lambdaClient(archway);
  backend = await startBackend();
});

afterAll(async () => {
  v2.destroy();
  lambda.destroy();
  await backend.close();
  await archway.stop();
});

describe('HTTP APIs: HTTP_PROXY and stages', () => {
  it('quick create to a backend: the $default stage serves the whole path, query and body', async () => {
    const apiId = await quickApi(backend.url);
    const response = await fetch(url(apiId, '/store/checkout?item=1&item=2'), { method: 'POST', body: 'hello', headers: { 'x-custom': 'a', 'X-Forwarded-For': '10.0.0.9' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('apigw-requestid')).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(response.headers.get('x-amzn-requestid')).toBeNull();
    const echo = (await response.json()) as EchoBody;
    expect(echo).toMatchObject({ method: 'POST', path: '/store/checkout', query: 'item=1&item=2', body: 'hello' });
    expect(echo.headers['x-custom']).toBe('a');
    expect(echo.headers.forwarded).toMatch(/for=10\.0\.0\.9;for=127\.0\.0\.1;host=127\.0\.0\.1;proto=http/);
    expect(echo.headers['x-forwarded-for']).toBeUndefined();
    // What a client writes in X-Forwarded-For is kept only as addresses, never as Forwarded syntax.
    const injected = (await (await fetch(url(apiId, '/x'), { headers: { 'X-Forwarded-For': '1.2.3.4;proto=https;host=bank.example, "evil, 10.0.0.1' } })).json()) as EchoBody;
    expect(injected.headers.forwarded).toMatch(/^by=us-east-1;for=10\.0\.0\.1;for=127\.0\.0\.1;host=127\.0\.0\.1;proto=http$/);
    expect(echo.headers['x-amzn-trace-id']).toMatch(/^Root=1-/);
  });

  it('a named stage is served under its segment, only after CreateDeployment, with path variables in the URI', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'staged', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/animals/{id}`, IntegrationMethod: 'GET', PayloadFormatVersion: '1.0' }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /pets/{id}', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'dev' }));
    await settled();
    // Not deployed yet: no stage serves it.
    expect((await fetch(url(ApiId!, '/dev/pets/7'))).status).toBe(404);
    await v2.send(new CreateDeploymentCommand({ ApiId, StageName: 'dev' }));
    await settled();
    const response = await fetch(url(ApiId!, '/dev/pets/7?x=1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'GET', path: '/animals/7', query: 'x=1' });
    // A variable is decoded by routing and encoded again in the backend URL.
    expect(await (await fetch(url(ApiId!, '/dev/pets/a%20b'))).json()).toMatchObject({ path: '/animals/a%20b' });
    // A route added later is not served until the next deployment.
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /later', Target: `integrations/${integration.IntegrationId}` }));
    await settled();
    const later = await fetch(url(ApiId!, '/dev/later'));
    expect(later.status).toBe(404);
    expect(await later.text()).toBe('{"message":"Not Found"}');
    expect(later.headers.get('apigw-requestid')).not.toBeNull();
    // Unknown stage and no $default: Not Found too.
    expect((await fetch(url(ApiId!, '/prod/pets/7'))).status).toBe(404);
  });

  it('an auto-deploying stage serves each change as soon as it is written', async () => {
    const apiId = await quickApi(backend.url, { RouteKey: 'GET /one' });
    expect((await fetch(url(apiId, '/one'))).status).toBe(200);
    expect((await fetch(url(apiId, '/two'))).status).toBe(404);
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/second`, IntegrationMethod: 'ANY' }));
    await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'ANY /two', Target: `integrations/${integration.IntegrationId}` }));
    await settled();
    const response = await fetch(url(apiId, '/two'), { method: 'DELETE' });
    expect(await response.json()).toMatchObject({ method: 'DELETE', path: '/second' });
  });

  it('matches routes in AWS priority: static over {param} over greedy, a method over ANY, $default last', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'priority', ProtocolType: 'HTTP' }));
    const keys = ['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /pets/{proxy+}', '$default'];
    for (const key of keys) {
      const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/${encodeURIComponent(key)}`, IntegrationMethod: 'ANY' }));
      await v2.send(new CreateRouteCommand({ ApiId, RouteKey: key, Target: `integrations/${integration.IntegrationId}` }));
    }
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    const routed = async (method: string, path: string) => decodeURIComponent(((await (await fetch(url(ApiId!, path), { method })).json()) as EchoBody).path.split('/')[1]);
    expect(await routed('GET', '/pets/dog/1')).toBe('GET /pets/dog/1');
    expect(await routed('GET', '/pets/dog/2')).toBe('GET /pets/dog/{id}');
    expect(await routed('GET', '/pets/cat/2')).toBe('GET /pets/{proxy+}');
    expect(await routed('POST', '/pets/cat/2')).toBe('ANY /pets/{proxy+}');
    expect(await routed('GET', '/')).toBe('$default');
  });

  it('maps parameters: headers, query strings and the path on the way in; headers and the status on the way out', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'mapped', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({
      ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/ignored`, IntegrationMethod: 'ANY',
      RequestParameters: {
        'append:header.x-request-id': '$context.requestId',
        'overwrite:header.x-stage': '$stageVariables.color',
        'remove:header.x-secret': "''",
        'overwrite:querystring.page': '2',
        'overwrite:path': '/mapped/${request.path.id}',
      },
      ResponseParameters: { '200': { 'overwrite:statuscode': '201', 'append:header.x-echoed-by': '$response.header.x-backend' } },
    }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /items/{id}', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true, StageVariables: { color: 'blue' } }));
    await settled();
    const response = await fetch(url(ApiId!, '/items/9?page=1&keep=yes'), { headers: { 'x-secret': 's3cret' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echoed-by')).toBe('echo');
    const echo = (await response.json()) as EchoBody;
    expect(echo.path).toBe('/mapped/9');
    expect(new URLSearchParams(echo.query).get('page')).toBe('2');
    expect(new URLSearchParams(echo.query).get('keep')).toBe('yes');
    expect(echo.headers['x-request-id']).toBe(response.headers.get('apigw-requestid'));
    expect(echo.headers['x-stage']).toBe('blue');
    expect(echo.headers['x-secret']).toBeUndefined();
  });

  it('keeps requests inside the backend path: dot segments refused, an encoded slash stays in its variable', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'escape', ProtocolType: 'HTTP' }));
    const files = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/files/{proxy}`, IntegrationMethod: 'GET' }));
    const pets = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/animals/{id}/info`, IntegrationMethod: 'GET' }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /files/{proxy+}', Target: `integrations/${files.IntegrationId}` }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /pets/{id}', Target: `integrations/${pets.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    for (const path of ['/files/%2e%2e/secret', '/files/../secret', '/pets/..%2F..%2Fadmin']) {
      expect(await rawGet(`/_aws/execute-api/${ApiId}${path}`), path).toEqual({ status: 400, body: '{"message":"Bad Request"}' });
    }
    const slash = (await (await fetch(url(ApiId!, '/pets/a%2Fb'))).json()) as EchoBody;
    expect(slash.path).toBe('/animals/a%2Fb/info');
  });

  it('an integration URI with its own query string keeps it, the request\'s joined after it', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'uri-query', ProtocolType: 'HTTP' }));
    const search = await v2.send(new CreateIntegrationCommand({
      ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/search?key=abc`, IntegrationMethod: 'GET',
      RequestParameters: { 'append:querystring.lang': 'en' },
    }));
    const base = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/base?fixed=1`, IntegrationMethod: 'ANY' }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /s', Target: `integrations/${search.IntegrationId}` }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: '$default', Target: `integrations/${base.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    expect(await (await fetch(url(ApiId!, '/s?q=1'))).json()).toMatchObject({ path: '/search', query: 'key=abc&q=1&lang=en' });
    expect(await (await fetch(url(ApiId!, '/store/x?q=2'))).json()).toMatchObject({ path: '/base/store/x', query: 'fixed=1&q=2' });
  });

  it('a response mapping may read the backend\'s JSON body ($response.body…)', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'body-mapped', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({
      ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/echo`, IntegrationMethod: 'ANY',
      ResponseParameters: { '200': { 'overwrite:header.x-method': '$response.body.method' } },
    }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'ANY /echo', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    const response = await fetch(url(ApiId!, '/echo'), { method: 'PUT', body: 'x' });
    expect(response.headers.get('x-method')).toBe('PUT');
    expect(await response.json()).toMatchObject({ method: 'PUT', path: '/echo' });
  });

  it('answers 503 Service Unavailable when the backend is slower than timeoutInMillis', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'slow', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: `${backend.url}/slow`, IntegrationMethod: 'GET', TimeoutInMillis: 50 }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /slow', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    backend.respond = (request) => (request.path === '/slow' ? { stall: 'headers' } : undefined);
    try {
      const response = await fetch(url(ApiId!, '/slow'));
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('{"message":"Service Unavailable"}');
    } finally {
      backend.respond = undefined;
    }
  });

  it('CORS: preflights answered by the gateway, the backend\'s CORS headers replaced', async () => {
    const apiId = await quickApi(backend.url, { CorsConfiguration: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type'], MaxAge: 300, ExposeHeaders: ['x-total'] } });
    const preflight = await fetch(url(apiId, '/anything'), { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(preflight.headers.get('access-control-max-age')).toBe('300');
    expect(backend.requests.at(-1)?.method).not.toBe('OPTIONS');
    backend.respond = () => ({ headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' }, body: 'ok' });
    try {
      const response = await fetch(url(apiId, '/data'), { headers: { Origin: 'https://app.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(response.headers.get('access-control-expose-headers')).toBe('x-total');
      const other = await fetch(url(apiId, '/data'), { headers: { Origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      backend.respond = undefined;
    }
  });

  it('throttles a route by its stage route settings: 429 Too Many Requests', async () => {
    const apiId = await quickApi(backend.url, { RouteKey: 'GET /limited' });
    await v2.send(new UpdateStageCommand({ ApiId: apiId, StageName: '$default', RouteSettings: { 'GET /limited': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.001 } } }));
    await settled();
    expect((await fetch(url(apiId, '/limited'))).status).toBe(200);
    const refused = await fetch(url(apiId, '/limited'));
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe('{"message":"Too Many Requests"}');
  });

  it('a disabled default endpoint answers Not Found', async () => {
    const apiId = await quickApi(backend.url);
    await v2.send(new UpdateApiCommand({ ApiId: apiId, DisableExecuteApiEndpoint: true }));
    await settled();
    expect((await fetch(url(apiId, '/x'))).status).toBe(404);
  });
});

describe('HTTP APIs: Lambda integrations', () => {
  let echoArn: string;

  beforeAll(async () => {
    echoArn = await createFunction(lambda, 'http-echo', `export const handler = async (event) => {
      if (event.rawPath?.endsWith('/string') || event.path?.endsWith('/string')) return 'plain';
      if (event.rawPath?.endsWith('/cookies')) return { statusCode: 201, cookies: ['a=1', 'b=2'], headers: { 'x-fn': 'yes' }, body: 'made' };
      if (event.rawPath?.endsWith('/throw')) throw new Error('boom');
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
    };`);
  });

  it('payload 2.0: the event field by field, as AWS sends it', async () => {
    const apiId = await quickApi(echoArn, { RouteKey: 'POST /items/{id}' });
    const response = await fetch(url(apiId, '/items/42?a=1&a=2&b=3'), { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json', cookie: 'c1=v1; c2=v2', 'x-multi': 'y' } });
    expect(response.status).toBe(200);
    const event = (await response.json()) as Event;
    expect(event).toMatchObject({
      version: '2.0', routeKey: 'POST /items/{id}', rawPath: '/items/42', rawQueryString: 'a=1&a=2&b=3',
      cookies: ['c1=v1', 'c2=v2'], queryStringParameters: { a: '1,2', b: '3' }, pathParameters: { id: '42' },
      body: '{"x":1}', isBase64Encoded: false,
    });
    expect(event.headers['x-multi']).toBe('y');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext).toMatchObject({ apiId, routeKey: 'POST /items/{id}', stage: '$default', http: { method: 'POST', path: '/items/42', sourceIp: '127.0.0.1' } });
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
  });

  it('payload 2.0 responses: inferred from output without statusCode; cookies become Set-Cookie', async () => {
    const apiId = await quickApi(echoArn);
    const plain = await fetch(url(apiId, '/string'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.text()).toBe('plain');
    const cookies = await fetch(url(apiId, '/cookies'));
    expect(cookies.status).toBe(201);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(cookies.headers.get('x-fn')).toBe('yes');
    const failed = await fetch(url(apiId, '/throw'));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('{"message":"Internal Server Error"}');
  });

  it('payload 1.0: the REST-shaped event with HTTP API\'s requestContext', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'v1', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echoArn, PayloadFormatVersion: '1.0' }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /v1/{name}', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'live', AutoDeploy: true }));
    await settled();
    const response = await fetch(url(ApiId!, '/live/v1/joe?q=1'));
    expect(response.status).toBe(200);
    const event = (await response.json()) as Event;
    expect(event).toMatchObject({ version: '1.0', resource: '/v1/{name}', httpMethod: 'GET', pathParameters: { name: 'joe' }, queryStringParameters: { q: '1' } });
    expect(event.requestContext).toMatchObject({ stage: 'live', resourceId: 'GET /v1/{name}', resourcePath: '/v1/{name}', path: '/live/v1/joe', apiId: ApiId });
  });
});

describe('HTTP APIs: limits', () => {
  it('a body over the payload limit is 413 Request Entity Too Large, with or without Expect: 100-continue', async () => {
    const small = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, maxRequestBodyBytes: 1024 } });
    const client = new ApiGatewayV2Client({ endpoint: small.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const { ApiId } = await client.send(new CreateApiCommand({ Name: 'small', ProtocolType: 'HTTP', Target: backend.url }));
      await small.running.dataPlane.deployments.settled();
      const target = `${small.endpoint}/_aws/execute-api/${ApiId}/upload`;
      const response = await fetch(target, { method: 'POST', body: 'x'.repeat(2048) });
      expect(response.status).toBe(413);
      expect(await response.text()).toBe('{"message":"Request Entity Too Large"}');
      // Announced, never sent: the answer comes before the body.
      const expecting = await new Promise<{ status: number; body: string; requestId: unknown }>((resolve, reject) => {
        const outgoing = httpRequest(target, { method: 'POST', headers: { expect: '100-continue', 'content-length': '2048' } });
        outgoing.on('response', (incoming) => {
          let body = '';
          incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body, requestId: incoming.headers['apigw-requestid'] }));
        });
        outgoing.on('error', reject);
        outgoing.flushHeaders();
      });
      expect(expecting).toMatchObject({ status: 413, body: '{"message":"Request Entity Too Large"}' });
      expect(expecting.requestId).toBeDefined();
    } finally {
      client.destroy();
      await small.stop();
    }
  });
});
