import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testInvokeMethod } from '../../../src/data-plane/test-invoke.js';
import { DataPlane } from '../../../src/data-plane/data-plane.js';
import { SqliteConfigStore } from '../../../src/store/sqlite/sqlite-config-store.js';
import { LIMITS } from '../../../src/options/limits.js';
import { RequestBodies } from '../../../src/request-body.js';
import { AwsServiceError } from '../../../src/aws/errors.js';
import { createLogger } from '../../../src/observability/logger.js';
import { buildApi, startBackend, type TestBackend } from '../../helpers/backend.js';
import { createState } from '../../../src/state/index.js';
import { SecretBox } from '../../../src/secrets/secret-box.js';

const env = { region: 'us-east-1', accountId: '000000000000', limits: { ...LIMITS } };
let dataPlane: DataPlane;
let store: SqliteConfigStore;
let backend: TestBackend;

beforeAll(async () => {
  store = new SqliteConfigStore(':memory:');
  const log = createLogger('silent');
  dataPlane = new DataPlane({ env, store, log, bodies: new RequestBodies(LIMITS), state: await createState({ log }), secrets: SecretBox.ephemeral(), adminCredentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await dataPlane.start();
  backend = await startBackend();
});

afterAll(async () => {
  await dataPlane.close();
  store.close();
  await backend.close();
});

const definition = () => buildApi({
  id: 'tiapi',
  resources: {
    '/pets/{id}': {
      GET: {
        integration: {
          type: 'MOCK',
          requestTemplates: { 'application/json': '{"statusCode": $input.params(\'code\')}' },
          integrationResponses: {
            '200': { statusCode: '200', responseTemplates: { 'application/json': '{"id":"$input.params(\'id\')","stage":"$context.stage","v":"$stageVariables.v"}' } },
            '404': { statusCode: '404', selectionPattern: '404' },
          },
        },
        methodResponses: ['200', '404'],
      },
    },
    '/proxy/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://127.0.0.1:1/{proxy}' } } },
    '/http': { POST: { integration: { type: 'HTTP_PROXY', httpMethod: 'POST', uri: 'BACKEND/echo' } } },
  },
});

const resourceId = (path: string) => Object.values(definition().resources).find((r) => r.path === path)!.id;

describe('testInvokeMethod', () => {
  it('runs one method of the working copy with path parameters from the given path', async () => {
    const result = await testInvokeMethod(definition(), resourceId('/pets/{id}'), 'GET', {
      pathWithQueryString: '/pets/42?code=200', stageVariables: { v: 'x' }, headers: { Accept: 'application/json' },
    }, { env, dataPlane });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ id: '42', stage: 'test-invoke-stage', v: 'x' });
    expect(result.headers['Content-Type']).toBe('application/json');
    expect(result.multiValueHeaders['Content-Type']).toEqual(['application/json']);
    expect(result.latency).toBeGreaterThanOrEqual(0);
    const lines = result.log.split('\n');
    expect(lines[0]).toMatch(/^Execution log for request [0-9a-f-]{36}$/);
    expect(result.log).toMatch(/: Starting execution for request: [0-9a-f-]{36}/);
    expect(result.log).toContain('HTTP Method: GET, Resource Path: /pets/{id}');
    expect(result.log).toContain('Method request path: {id=42}');
    expect(result.log).toContain('Method request query string: {code=200}');
    expect(result.log).toContain('Method completed with status: 200');
    expect(lines[1]).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : /);
  });

  it('selects the integration response like a real request', async () => {
    const result = await testInvokeMethod(definition(), resourceId('/pets/{id}'), 'GET', { pathWithQueryString: '/pets/1?code=404' }, { env, dataPlane });
    expect(result.status).toBe(404);
  });

  it('renders gateway errors and logs the failure', async () => {
    const result = await testInvokeMethod(definition(), resourceId('/proxy/{proxy+}'), 'ANY', { pathWithQueryString: '/proxy/a/b' }, { env, dataPlane });
    expect(result.status).toBe(504);
    expect(result.body).toBe('{"message": "Internal server error"}');
    expect(result.log).toContain('Endpoint request URI: http://127.0.0.1:1/a/b');
    expect(result.log).toContain('Execution failed: backend refused connection');
    expect(result.log).toContain('Method completed with status: 504');
  });

  it('calls real backends and buffers the response', async () => {
    const def = definition();
    const http = Object.values(def.resources).find((r) => r.path === '/http')!;
    http.resourceMethods!.POST!.methodIntegration!.uri = `${backend.url}/echo`;
    const result = await testInvokeMethod(def, http.id, 'POST', { body: 'hello', headers: { 'Content-Type': 'text/plain' } }, { env, dataPlane });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ method: 'POST', path: '/echo', body: 'hello' });
  });

  it('refuses unknown resources and methods with NotFoundException', async () => {
    await expect(testInvokeMethod(definition(), 'nope', 'GET', {}, { env, dataPlane })).rejects.toBeInstanceOf(AwsServiceError);
    await expect(testInvokeMethod(definition(), resourceId('/pets/{id}'), 'DELETE', {}, { env, dataPlane })).rejects.toThrow('Invalid Method identifier specified');
  });
});
