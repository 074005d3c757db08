// The deployments table through the real server: stage-variable changes reuse the compiled
// deployment, in-flight requests finish on the deployment they started with, a deployment is
// compiled once and freed when no stage uses it, deleted stages and APIs stop being served, and
// unknown APIs and stages are answered without reading the store. With a data directory:
// stages load at start, and a working copy that does not compile is refused by CreateDeployment
// while the last good deployment keeps serving.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import {
  CreateDeploymentCommand, CreateRestApiCommand, DeleteRestApiCommand, GetDeploymentsCommand, GetResourcesCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { SqliteConfigStore } from '../../src/store/sqlite/sqlite-config-store.js';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, buildApi, type TestBackend, type EchoBody } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let backend: TestBackend;
let dp: TestGateway;

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
  dp = await startGateway();
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
    const compiled = dp.archway.dataPlane.deployments.compileCount;
    await dp.setStageVariables('swapapi', 'dev', { color: 'blue' });
    expect(JSON.parse((await get('swapapi', 'dev', '/vars')).body)).toEqual({ color: 'blue', deployment: deploymentId });
    expect(dp.archway.dataPlane.deployments.compileCount).toBe(compiled);
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

  it('compiles a deployment once: CreateDeployment checks it and the data plane serves that result', async () => {
    const before = dp.archway.dataPlane.deployments.compileCount;
    await dp.deploy(api('once'), 'once');
    expect(JSON.parse((await get('swapapi', 'once', '/x')).body).path).toBe('/once/x');
    expect(dp.archway.dataPlane.deployments.compileCount).toBe(before);
  });

  it('frees a compiled deployment once no stage points at it', async () => {
    const first = await dp.deploy(api('first'), 'free1');
    await dp.deploy(api('first'), 'free2');
    const table = dp.archway.dataPlane.deployments;
    const second = table.get('swapapi', 'free2')!.deploymentId;
    expect([table.holds('swapapi', first), table.holds('swapapi', second)]).toEqual([true, true]);
    await dp.deploy(api('third'), 'free1');
    expect(table.holds('swapapi', first)).toBe(false);
    expect(table.holds('swapapi', second)).toBe(true);
    await dp.deleteStage('swapapi', 'free2');
    expect(table.holds('swapapi', second)).toBe(false);
  });

  it('stops serving a deleted stage (403) and a deleted API (404)', async () => {
    await dp.deploy(buildApi({ id: 'gone', resources: { '/p': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } }), 'a');
    await dp.deploy(buildApi({ id: 'gone', resources: { '/p': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } }), 'b');
    expect((await get('gone', 'a', '/p')).status).toBe(200);
    await dp.deleteStage('gone', 'a');
    expect(await get('gone', 'a', '/p')).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect((await get('gone', 'b', '/p')).status).toBe(200);
    await dp.apigateway.send(new DeleteRestApiCommand({ restApiId: 'gone' }));
    expect((await get('gone', 'b', '/p')).status).toBe(404);
  });

  it('tells an unknown stage (403) from an unknown API (404) without reading the store', async () => {
    await dp.deploy(buildApi({ id: 'knownapi', resources: { '/p': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } }), 'dev');
    await dp.apigateway.send(new CreateRestApiCommand({ name: 'undeployed', tags: { _custom_id_: 'undeployed' } }));
    const reads = STORE_READS.map((name) => vi.spyOn(SqliteConfigStore.prototype, name));
    try {
      expect((await get('knownapi', 'nostage', '/p')).status).toBe(403);
      expect((await get('undeployed', 'dev', '/p')).status).toBe(403);
      expect((await get('nosuchapi', 'dev', '/p')).status).toBe(404);
      for (const read of reads) expect(read).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
    await dp.apigateway.send(new DeleteRestApiCommand({ restApiId: 'undeployed' }));
    expect((await get('undeployed', 'dev', '/p')).status).toBe(404);
  });
});

describe('deployments kept in the data directory', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'archway-deployments-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loads every stored stage at start', async () => {
    const first = await startArchway({ inMemory: false, dataDir });
    try {
      const { id } = await first.apigateway.send(new CreateRestApiCommand({ name: 'boot', tags: { _custom_id_: 'bootapi' } }));
      await mockRoot(first, id!);
      await first.apigateway.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'dev' }));
    } finally {
      await first.stop();
    }
    const second = await startArchway({ inMemory: false, dataDir });
    try {
      expect((await request(second.invokeUrl('bootapi', 'dev', '/'))).statusCode).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('refuses to deploy a working copy the compiler refuses, and keeps serving the last good deployment', async () => {
    // A working copy left by an older version: a child under a greedy resource, which today's
    // control plane refuses to create and the route table cannot hold.
    const store = new SqliteConfigStore(join(dataDir, 'archway.db'));
    const good = buildApi({ id: 'brokenapi', resources: { '/{proxy+}': { GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } } } } });
    store.createDefinition(good);
    store.createDeployment({ id: 'gooddep', restApiId: 'brokenapi', createdDate: 0, snapshot: structuredClone(good) }, {
      stageName: 'dev', limit: 10, write: () => ({
        restApiId: 'brokenapi', stageName: 'dev', deploymentId: 'gooddep', cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE',
        methodSettings: {}, tracingEnabled: false, createdDate: 0, lastUpdatedDate: 0,
      }),
    });
    store.updateDefinition('brokenapi', (definition) => {
      const greedy = Object.values(definition.resources).find((resource) => resource.path === '/{proxy+}')!;
      definition.resources.child = { id: 'child', parentId: greedy.id, pathPart: 'child', path: '/{proxy+}/child', resourceMethods: greedy.resourceMethods };
    });
    store.close();
    const archway = await startArchway({ inMemory: false, dataDir });
    try {
      expect((await request(archway.invokeUrl('brokenapi', 'dev', '/x'))).statusCode).toBe(200);
      const refused = archway.apigateway.send(new CreateDeploymentCommand({ restApiId: 'brokenapi', stageName: 'dev' }));
      await expect(refused).rejects.toMatchObject({
        name: 'BadRequestException',
        message: 'The REST API cannot be deployed: greedy path variable must be last: /{proxy+}/child',
      });
      expect((await archway.apigateway.send(new GetDeploymentsCommand({ restApiId: 'brokenapi' }))).items?.map((d) => d.id)).toEqual(['gooddep']);
      expect((await request(archway.invokeUrl('brokenapi', 'dev', '/x'))).statusCode).toBe(200);
    } finally {
      await archway.stop();
    }
  });
});

/** Store reads a request must never make: the listener resolves from the snapshot. */
const STORE_READS = ['getDefinition', 'listDefinitions', 'hasRestApi', 'listRestApiIds', 'getStage', 'listStages', 'getDeployment'] as const;

async function mockRoot(archway: TestArchway, restApiId: string): Promise<void> {
  const { items } = await archway.apigateway.send(new GetResourcesCommand({ restApiId }));
  const resourceId = items![0].id!;
  await archway.apigateway.send(new PutMethodCommand({ restApiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
  await archway.apigateway.send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await archway.apigateway.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
  await archway.apigateway.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
}
