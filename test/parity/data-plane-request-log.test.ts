// The request log over real HTTP: every request, whatever happened to it, is logged exactly
// once (success, gateway error, configuration error, unknown API or stage, an unsendable header
// value, a client that leaves before the answer).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { startBackend, buildApi, type TestBackend } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import type { RequestLogEntry } from '../../src/data-plane/data-plane.js';

let backend: TestBackend;
let dp: TestGateway;

beforeAll(async () => {
  backend = await startBackend();
  dp = await startGateway();
  await dp.deploy(buildApi({
    id: 'logapi',
    resources: {
      '/ok': { GET: { integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, integrationResponses: { '200': { statusCode: '200' } } } } },
      '/misconfigured': { GET: { integration: { type: 'AWS', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket' } } },
      '/bad-header': {
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/bad-header`,
            integrationResponses: { '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Value': 'integration.response.body.value' } } },
          },
        },
      },
      '/slow/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/{proxy}` } } },
    },
  }), 'dev');
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
});

/** The entries for `path`, once the first has been written. */
async function entriesOf(apiId: string, path: string): Promise<RequestLogEntry[]> {
  for (let waited = 0; waited < 5000; waited += 10) {
    const entries = dp.logs.filter((log) => log.apiId === apiId && log.path === path);
    if (entries.length > 0) {
      // A second line, if any, would come right after the first.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return dp.logs.filter((log) => log.apiId === apiId && log.path === path);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no request log line for ${path}`);
}

async function get(url: string): Promise<number> {
  const response = await request(url);
  await response.body.dump();
  return response.statusCode;
}

describe('request log', () => {
  it('logs a success once', async () => {
    expect(await get(dp.invokeUrl('logapi', 'dev', '/ok'))).toBe(200);
    expect(await entriesOf('logapi', '/ok')).toMatchObject([{ method: 'GET', apiId: 'logapi', stage: 'dev', status: 200 }]);
  });

  it('logs a gateway error once', async () => {
    expect(await get(dp.invokeUrl('logapi', 'dev', '/nowhere'))).toBe(403);
    expect(await entriesOf('logapi', '/nowhere')).toMatchObject([{ status: 403 }]);
  });

  it('logs a configuration error once, with its reason', async () => {
    expect(await get(dp.invokeUrl('logapi', 'dev', '/misconfigured'))).toBe(500);
    expect(await entriesOf('logapi', '/misconfigured')).toMatchObject([{ status: 500, error: 'AWS service integrations other than Lambda are not supported yet' }]);
  });

  it('logs an unknown API and an unknown stage once each', async () => {
    expect(await get(dp.invokeUrl('nosuchapi', 'dev', '/x'))).toBe(404);
    expect(await entriesOf('nosuchapi', '/x')).toMatchObject([{ apiId: 'nosuchapi', stage: 'dev', status: 404 }]);
    expect(await get(dp.invokeUrl('logapi', 'nostage', '/y'))).toBe(403);
    expect(await entriesOf('logapi', '/y')).toMatchObject([{ stage: 'nostage', status: 403 }]);
  });

  it('answers 500 for a header value the client cannot receive, and logs it once', async () => {
    backend.respond = (req) => (req.path === '/bad-header' ? { headers: { 'Content-Type': 'application/json' }, body: '{"value":"a\\nb"}' } : undefined);
    expect(await get(dp.invokeUrl('logapi', 'dev', '/bad-header'))).toBe(500);
    expect(await entriesOf('logapi', '/bad-header')).toMatchObject([{ status: 500, error: 'invalid response header value' }]);
    backend.respond = undefined;
  });

  it('logs a client that leaves before the answer once, as 499', async () => {
    backend.respond = (req) => (req.path === '/stalled' ? { stall: 'headers' } : undefined);
    const controller = new AbortController();
    const pending = request(dp.invokeUrl('logapi', 'dev', '/slow/stalled'), { signal: controller.signal }).catch(() => undefined);
    for (let waited = 0; !backend.requests.some((r) => r.path === '/stalled'); waited += 10) {
      if (waited > 5000) throw new Error('/stalled never reached the backend');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    await pending;
    expect(await entriesOf('logapi', '/slow/stalled')).toMatchObject([{ status: 499, error: 'client closed the connection before the endpoint answered' }]);
    backend.respond = undefined;
  });
});
