// The deployments table over real HTTP (DESIGN.md §4): stage-variable changes reuse the compiled
// deployment, in-flight requests finish on the deployment they started with, a failed compile
// keeps the last good one, deleted stages and APIs stop being served.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { request } from 'undici';
import { startBackend, startDataPlane, buildApi, type TestBackend, type DirectDataPlane, type EchoBody } from '../helpers/backend.js';
import { createLogger } from '../../src/observability/logger.js';

let backend: TestBackend;
let dp: DirectDataPlane;

const api = (prefix: string, extra: Parameters<typeof buildApi>[0]['resources'] = {}) => buildApi({
  id: 'swapapi',
  resources: {
    '/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: `${backend.url}/${prefix}/{proxy}` } } },
    '/vars': {
      GET: {
        integration: {
          type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' },
          integrationResponses: { '200': { statusCode: '200', responseTemplates: { 'application/json': '{"color":"$stageVariables.color","deployment":"$context.deploymentId"}' } } },
        },
      },
    },
    ...extra,
  },
});

beforeAll(async () => {
  backend = await startBackend();
  dp = await startDataPlane();
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
});

async function get(apiId: string, stage: string, path: string) {
  const response = await request(dp.invokeUrl(apiId, stage, path));
  return { status: response.statusCode, body: await response.body.text() };
}

describe('deployments table', () => {
  it('serves a stage-variable change without recompiling the deployment', async () => {
    const deploymentId = await dp.deploy(api('v1'), 'dev', { variables: { color: 'red' } });
    expect(JSON.parse((await get('swapapi', 'dev', '/vars')).body)).toEqual({ color: 'red', deployment: deploymentId });
    const compiled = dp.dataPlane.deployments.compileCount;
    await dp.setStageVariables('swapapi', 'dev', { color: 'blue' });
    expect(JSON.parse((await get('swapapi', 'dev', '/vars')).body)).toEqual({ color: 'blue', deployment: deploymentId });
    expect(dp.dataPlane.deployments.compileCount).toBe(compiled);
  });

  it('lets an in-flight request finish on the old deployment while a new one is swapped in', async () => {
    await dp.deploy(api('old'), 'live');
    const arrived = new Promise<void>((resolve) => {
      backend.respond = (req) => {
        if (!req.path.startsWith('/old/slow')) return undefined;
        resolve();
        return { delayMs: 300 };
      };
    });
    const inFlight = request(dp.invokeUrl('swapapi', 'live', '/slow')).then(async (r) => JSON.parse(await r.body.text()) as EchoBody);
    await arrived;
    await dp.deploy(api('new'), 'live');
    const fresh = JSON.parse((await get('swapapi', 'live', '/fast')).body) as EchoBody;
    expect(fresh.path).toBe('/new/fast');
    expect((await inFlight).path).toBe('/old/slow');
    backend.respond = undefined;
  });

  it('keeps the last good deployment when a compile fails', async () => {
    await dp.deploy(api('good'), 'safe');
    const broken = api('bad');
    // A child under a greedy resource cannot be compiled into a route table.
    broken.resources.bad = { id: 'bad', parentId: 'x', pathPart: 'child', path: '/{proxy+}/child', resourceMethods: { GET: broken.resources[Object.keys(broken.resources)[1]].resourceMethods!.ANY! } };
    await dp.deploy(broken, 'safe');
    expect(JSON.parse((await get('swapapi', 'safe', '/x')).body).path).toBe('/good/x');
  });

  it('stops serving a deleted stage (403) and a deleted API (404)', async () => {
    await dp.deploy(buildApi({ id: 'gone', resources: { '/p': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } }), 'a');
    await dp.deploy(buildApi({ id: 'gone', resources: { '/p': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } }), 'b');
    expect((await get('gone', 'a', '/p')).status).toBe(200);
    dp.store.deleteStage('gone', 'a');
    dp.events.publish({ kind: 'stage', restApiId: 'gone', stageName: 'a' });
    await dp.dataPlane.deployments.settled();
    expect(await get('gone', 'a', '/p')).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect((await get('gone', 'b', '/p')).status).toBe(200);
    dp.store.deleteDefinition('gone');
    dp.events.publish({ kind: 'api-deleted', restApiId: 'gone' });
    expect((await get('gone', 'b', '/p')).status).toBe(404);
  });

  it('tells an unknown stage (403) from an unknown API (404) without reading any definition', async () => {
    await dp.deploy(buildApi({ id: 'knownapi', resources: {} }), 'dev');
    const undeployed = buildApi({ id: 'undeployed', resources: {} });
    dp.store.createDefinition(undeployed);
    const reads = vi.spyOn(dp.store, 'getDefinition');
    const lists = vi.spyOn(dp.store, 'listDefinitions');
    const exists = vi.spyOn(dp.store, 'hasRestApi');
    try {
      expect((await get('knownapi', 'nostage', '/p')).status).toBe(403);
      expect(exists).not.toHaveBeenCalled();
      // Created without an event: one existence query, then known.
      expect((await get('undeployed', 'dev', '/p')).status).toBe(403);
      expect((await get('undeployed', 'other', '/p')).status).toBe(403);
      expect(exists).toHaveBeenCalledTimes(1);
      expect((await get('nosuchapi', 'dev', '/p')).status).toBe(404);
      // Announced by an 'api-created' event: no query at all.
      dp.store.createDefinition(buildApi({ id: 'announced', resources: {} }));
      dp.events.publish({ kind: 'api-created', restApiId: 'announced' });
      const queries = exists.mock.calls.length;
      expect((await get('announced', 'dev', '/p')).status).toBe(403);
      expect(exists).toHaveBeenCalledTimes(queries);
      dp.store.deleteDefinition('announced');
      dp.events.publish({ kind: 'api-deleted', restApiId: 'announced' });
      expect((await get('announced', 'dev', '/p')).status).toBe(404);
      expect(reads).not.toHaveBeenCalled();
      expect(lists).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('loads every stored stage at start', async () => {
    const second = await startDataPlane();
    try {
      await second.deploy(api('boot'), 'dev');
      // A fresh DataPlane over the same store finds the stage without any event.
      const { DataPlane } = await import('../../src/data-plane/data-plane.js');
      const events = { publish() {}, subscribe: () => () => {} };
      const fresh = new DataPlane({ env: { region: 'us-east-1', accountId: '000000000000', limits: (await import('../../src/options/limits.js')).LIMITS }, store: second.store, events, log: createLogger('silent') });
      await fresh.start();
      expect(fresh.deployments.get('swapapi', 'dev')?.deployment.apiId).toBe('swapapi');
      await fresh.close();
    } finally {
      await second.close();
    }
  });
});
