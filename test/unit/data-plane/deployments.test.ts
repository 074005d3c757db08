import { describe, it, expect } from 'vitest';
import { DeploymentsTable } from '../../../src/data-plane/deployments.js';
import { InProcessDeploymentEvents } from '../../../src/sync/deployment-events.js';
import type { ConfigStore } from '../../../src/store/config-store.js';
import type { DeploymentRecord, StageRecord } from '../../../src/model/rest-api.js';
import { buildApi } from '../../helpers/backend.js';

const mock = { GET: { integration: { type: 'MOCK' as const, integrationResponses: { '200': { statusCode: '200' } } } } };

function stage(deploymentId: string, variables: Record<string, string> = {}): StageRecord {
  return {
    restApiId: 'api', stageName: 'dev', deploymentId, variables, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {}, tracingEnabled: false, createdDate: 0, lastUpdatedDate: 0,
  };
}

/** A store whose reads resolve when the test says so (async, out of order). */
function slowStore() {
  const stages: StageRecord[] = [];
  const deployments = new Map<string, DeploymentRecord>();
  const waiting: (() => void)[] = [];
  const later = <T>(value: () => T) => new Promise<T>((resolve) => waiting.push(() => resolve(value())));
  const store = {
    listRestApiIds: async () => [],
    listStages: async () => [],
    getStage: (_api: string, _name: string) => {
      const snapshot = stages.at(-1);
      return later(() => snapshot);
    },
    getDeployment: (_api: string, id: string) => later(() => deployments.get(id)),
  } as unknown as ConfigStore;
  return { store, stages, deployments, waiting };
}

const record = (id: string, resources: Parameters<typeof buildApi>[0]['resources']): DeploymentRecord => ({
  id, restApiId: 'api', createdDate: 0, snapshot: buildApi({ id: 'api', resources }),
});

const quiet = { warn() {}, error() {} };

describe('DeploymentsTable', () => {
  it('applies the newest change even when an older read finishes last', async () => {
    const { store, stages, deployments, waiting } = slowStore();
    deployments.set('d1', record('d1', { '/one': mock }));
    deployments.set('d2', record('d2', { '/two': mock }));
    const events = new InProcessDeploymentEvents();
    const table = new DeploymentsTable({ store, events, log: quiet });
    await table.load();
    stages.push(stage('d1'));
    events.publish({ kind: 'stage', restApiId: 'api', stageName: 'dev' });
    stages.push(stage('d2'));
    events.publish({ kind: 'stage', restApiId: 'api', stageName: 'dev' });
    // Resolve the second read first, then the first one.
    while (waiting.length > 0) waiting.splice(waiting.length - 1, 1)[0]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (waiting.length > 0) waiting.shift()!();
    await table.settled();
    expect(table.get('api', 'dev')?.deploymentId).toBe('d2');
  });

  it('knows every API at start (deployed or not) and follows api-created / api-deleted', async () => {
    const events = new InProcessDeploymentEvents();
    const store = { listRestApiIds: () => ['a', 'b'], listStages: () => [] } as unknown as ConfigStore;
    const table = new DeploymentsTable({ store, events, log: quiet });
    await table.load();
    expect([table.hasApi('a'), table.hasApi('b'), table.hasApi('c')]).toEqual([true, true, false]);
    events.publish({ kind: 'api-created', restApiId: 'c' });
    events.publish({ kind: 'api-deleted', restApiId: 'a' });
    expect([table.hasApi('a'), table.hasApi('c')]).toEqual([false, true]);
    table.close();
  });

  it('reuses a compiled deployment for a variables-only change and keeps the last good one on failure', async () => {
    const events = new InProcessDeploymentEvents();
    let current = stage('d1', { v: '1' });
    const deployments = new Map([['d1', record('d1', { '/one': mock })], ['bad', record('bad', { '/{proxy+}': mock })]]);
    // A child under a greedy resource: the route table refuses it.
    deployments.get('bad')!.snapshot.resources.child = { id: 'child', parentId: 'res1', pathPart: 'x', path: '/{proxy+}/x', resourceMethods: { GET: deployments.get('bad')!.snapshot.resources.res1.resourceMethods!.GET! } };
    const store = {
      listRestApiIds: () => ['api'],
      listStages: () => [current],
      getStage: () => current,
      getDeployment: (_api: string, id: string) => deployments.get(id),
    } as unknown as ConfigStore;
    const errors: string[] = [];
    const table = new DeploymentsTable({ store, events, log: { warn() {}, error: (_d, message) => errors.push(message) } });
    await table.load();
    const first = table.get('api', 'dev')!;
    expect(table.compileCount).toBe(1);

    current = stage('d1', { v: '2' });
    events.publish({ kind: 'stage', restApiId: 'api', stageName: 'dev' });
    await table.settled();
    const second = table.get('api', 'dev')!;
    expect(second).not.toBe(first);
    expect(second.deployment).toBe(first.deployment);
    expect(second.variables).toEqual({ v: '2' });
    expect(table.compileCount).toBe(1);

    current = stage('bad');
    events.publish({ kind: 'stage', restApiId: 'api', stageName: 'dev' });
    await table.settled();
    expect(table.get('api', 'dev')).toBe(second);
    expect(errors).toEqual(['deployment compile failed; keeping the last good one']);

    events.publish({ kind: 'api-deleted', restApiId: 'api' });
    expect(table.get('api', 'dev')).toBeUndefined();
    expect(table.hasApi('api')).toBe(false);
    table.close();
  });
});
