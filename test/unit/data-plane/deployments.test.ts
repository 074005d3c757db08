import { describe, it, expect } from 'vitest';
import { DeploymentsTable } from '../../../src/data-plane/deployments.js';
import type { ConfigChange, ConfigStore } from '../../../src/store/config-store.js';
import { SqliteConfigStore } from '../../../src/store/sqlite/sqlite-config-store.js';
import type { DeploymentRecord, StageRecord } from '../../../src/model/rest-api.js';
import { buildApi } from '../../helpers/backend.js';

const mock = { GET: { integration: { type: 'MOCK' as const, integrationResponses: { '200': { statusCode: '200' } } } } };

function stage(deploymentId: string, variables: Record<string, string> = {}, stageName = 'dev'): StageRecord {
  return {
    restApiId: 'api', stageName, deploymentId, variables, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {}, tracingEnabled: false, createdDate: 0, lastUpdatedDate: 0,
  };
}

/** A store whose reads resolve when the test says so (async, out of order), with a feed the test publishes on. */
function slowStore() {
  const stages: StageRecord[] = [];
  const deployments = new Map<string, DeploymentRecord>();
  const waiting: (() => void)[] = [];
  const later = <T>(value: () => T) => new Promise<T>((resolve) => waiting.push(() => resolve(value())));
  const changes: ConfigChange[] = [];
  const listeners = new Set<(change: ConfigChange) => void>();
  const publish = (change: Omit<ConfigChange & { kind: 'stage' }, 'version'>) => {
    const published = { ...change, version: changes.length + 1 };
    changes.push(published);
    for (const listener of listeners) listener(published);
  };
  const store = {
    configVersion: () => changes.length,
    changesSince: (version: number) => ({ changes: changes.slice(version), complete: true }),
    subscribe: (listener: (change: ConfigChange) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listRestApiIds: async () => [],
    listStages: async () => [],
    getStage: (_api: string, _name: string) => {
      const snapshot = stages.at(-1);
      return later(() => snapshot);
    },
    getDeployment: (_api: string, id: string) => later(() => deployments.get(id)),
  } as unknown as ConfigStore;
  return { store, stages, deployments, waiting, publish };
}

const record = (id: string, resources: Parameters<typeof buildApi>[0]['resources']): DeploymentRecord => ({
  id, restApiId: 'api', createdDate: 0, snapshot: buildApi({ id: 'api', resources }),
});

const quiet = { warn() {}, error() {} };

/** A stored API with a deployment per resources map; `deploy` points a stage at one. */
function storedApi(store: SqliteConfigStore) {
  store.createDefinition(buildApi({ id: 'api', resources: { '/one': mock } }));
  return {
    deploy(deploymentId: string, resources: Parameters<typeof buildApi>[0]['resources'], stageName = 'dev', variables: Record<string, string> = {}) {
      store.createDeployment(record(deploymentId, resources), { stageName, limit: 10, write: () => stage(deploymentId, variables, stageName) });
    },
  };
}

describe('DeploymentsTable', () => {
  it('applies the newest change even when an older read finishes last', async () => {
    const { store, stages, deployments, waiting, publish } = slowStore();
    deployments.set('d1', record('d1', { '/one': mock }));
    deployments.set('d2', record('d2', { '/two': mock }));
    const table = new DeploymentsTable({ store, log: quiet });
    await table.load();
    stages.push(stage('d1'));
    publish({ kind: 'stage', apiId: 'api', stageName: 'dev' });
    stages.push(stage('d2'));
    publish({ kind: 'stage', apiId: 'api', stageName: 'dev' });
    // Resolve the second read first, then the first one.
    while (waiting.length > 0) waiting.splice(waiting.length - 1, 1)[0]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (waiting.length > 0) waiting.shift()!();
    await table.settled();
    expect(table.get('api', 'dev')?.deploymentId).toBe('d2');
  });

  it('knows every API at start (deployed or not) and follows api-created / api-deleted', async () => {
    const store = new SqliteConfigStore(':memory:');
    store.createDefinition(buildApi({ id: 'a', resources: {} }));
    store.createDefinition(buildApi({ id: 'b', resources: {} }));
    const table = new DeploymentsTable({ store, log: quiet });
    await table.load();
    expect([table.hasApi('a'), table.hasApi('b'), table.hasApi('c')]).toEqual([true, true, false]);
    store.createDefinition(buildApi({ id: 'c', resources: {} }));
    store.deleteDefinition('a');
    expect([table.hasApi('a'), table.hasApi('c')]).toEqual([false, true]);
    table.close();
    store.close();
  });

  it('reuses a compiled deployment for a variables-only change and keeps the last good one on failure', async () => {
    const store = new SqliteConfigStore(':memory:');
    const api = storedApi(store);
    api.deploy('d1', { '/one': mock }, 'dev', { v: '1' });
    // A child under a greedy resource: the route table refuses it.
    const bad = record('bad', { '/{proxy+}': mock });
    bad.snapshot.resources.child = { id: 'child', parentId: 'res1', pathPart: 'x', path: '/{proxy+}/x', resourceMethods: { GET: bad.snapshot.resources.res1.resourceMethods!.GET! } };
    const errors: string[] = [];
    const table = new DeploymentsTable({ store, log: { warn() {}, error: (_d, message) => errors.push(message) } });
    await table.load();
    const first = table.get('api', 'dev')!;
    expect(table.compileCount).toBe(1);

    store.updateStage('api', 'dev', (current) => (current.variables = { v: '2' }));
    await table.settled();
    const second = table.get('api', 'dev')!;
    expect(second).not.toBe(first);
    expect(second.deployment).toBe(first.deployment);
    expect(second.variables).toEqual({ v: '2' });
    expect(table.compileCount).toBe(1);

    store.createDeployment(bad, { stageName: 'dev', limit: 10, write: (current) => Object.assign(current!, { deploymentId: 'bad' }) });
    await table.settled();
    expect(table.get('api', 'dev')).toBe(second);
    expect(errors).toEqual(['deployment compile failed; keeping the last good one']);

    store.deleteDefinition('api');
    expect(table.get('api', 'dev')).toBeUndefined();
    expect(table.hasApi('api')).toBe(false);
    table.close();
    store.close();
  });

  it('frees a compiled deployment when no stage points at it any more', async () => {
    const store = new SqliteConfigStore(':memory:');
    const api = storedApi(store);
    api.deploy('d1', { '/one': mock }, 'dev');
    api.deploy('d2', { '/two': mock }, 'prod');
    const table = new DeploymentsTable({ store, log: quiet });
    await table.load();
    expect([table.holds('api', 'd1'), table.holds('api', 'd2')]).toEqual([true, true]);
    store.updateStage('api', 'prod', (current) => (current.deploymentId = 'd1'));
    await table.settled();
    expect([table.holds('api', 'd1'), table.holds('api', 'd2')]).toEqual([true, false]);
    store.deleteStage('api', 'dev');
    store.deleteStage('api', 'prod');
    await table.settled();
    expect(table.holds('api', 'd1')).toBe(false);
    table.close();
    store.close();
  });

  it('catches up from its version after missing changes', async () => {
    const store = new SqliteConfigStore(':memory:');
    const api = storedApi(store);
    api.deploy('d1', { '/one': mock }, 'dev');
    const table = new DeploymentsTable({ store, log: quiet });
    await table.load();
    const seen = table.version;
    table.close();
    // Missed: a new stage, a repointed one, a new API and a deleted stage.
    api.deploy('d2', { '/two': mock }, 'prod');
    api.deploy('d3', { '/three': mock }, 'dev');
    store.createDefinition(buildApi({ id: 'later', resources: {} }));
    api.deploy('d4', { '/four': mock }, 'gone');
    store.deleteStage('api', 'gone');
    expect(table.version).toBe(seen);
    expect(table.get('api', 'dev')?.deploymentId).toBe('d1');

    await table.catchUp();
    expect(table.version).toBe(store.configVersion());
    expect(store.configVersion() - seen).toBe(5);
    expect(table.get('api', 'dev')?.deploymentId).toBe('d3');
    expect(table.get('api', 'prod')?.deploymentId).toBe('d2');
    expect(table.get('api', 'gone')).toBeUndefined();
    expect(table.hasApi('later')).toBe(true);
    store.close();
  });

  it('reloads everything when the feed no longer reaches back to its version', async () => {
    const store = new SqliteConfigStore(':memory:', { keptChanges: 2 });
    const api = storedApi(store);
    api.deploy('d1', { '/one': mock }, 'dev');
    const table = new DeploymentsTable({ store, log: quiet });
    await table.load();
    table.close();
    for (const name of ['a', 'b', 'c', 'd']) api.deploy(`d-${name}`, { '/one': mock }, name);
    expect(store.changesSince(table.version).complete).toBe(false);

    await table.catchUp();
    expect(table.version).toBe(store.configVersion());
    expect(['dev', 'a', 'b', 'c', 'd'].map((name) => table.get('api', name)?.deploymentId)).toEqual(['d1', 'd-a', 'd-b', 'd-c', 'd-d']);
    store.close();
  });
});
