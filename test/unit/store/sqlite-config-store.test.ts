import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConfigStore } from '../../../src/store/sqlite/sqlite-config-store.js';
import type { RestApiDefinition } from '../../../src/model/rest-api.js';

const definition = (id: string): RestApiDefinition => ({
  api: { id, name: id, createdDate: 1, apiKeySource: 'HEADER', endpointConfiguration: { types: ['EDGE'] }, disableExecuteApiEndpoint: false, rootResourceId: 'root000001' },
  resources: { root000001: { id: 'root000001', path: '/' } },
  models: {},
  requestValidators: {},
  gatewayResponses: {},
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SqliteConfigStore', () => {
  it('keeps definitions, deployments and stages across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archway-store-'));
    dirs.push(dir);
    const file = join(dir, 'archway.db');
    const store = new SqliteConfigStore(file);
    expect(store.createDefinition(definition('api1'))).toBe(true);
    expect(store.createDefinition(definition('api1'))).toBe(false);
    store.putDeployment({ id: 'dep001', restApiId: 'api1', createdDate: 2, snapshot: definition('api1') });
    store.putStage({ restApiId: 'api1', stageName: 'dev', deploymentId: 'dep001', cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, tracingEnabled: false, createdDate: 3, lastUpdatedDate: 3 });
    store.close();

    const reopened = new SqliteConfigStore(file);
    expect(reopened.getDefinition('api1')?.api.name).toBe('api1');
    expect(reopened.getDeployment('api1', 'dep001')?.snapshot.api.id).toBe('api1');
    expect(reopened.listStages().map((s) => s.stageName)).toEqual(['dev']);
    reopened.close();
  });

  it('updates atomically and writes nothing when the mutation throws', () => {
    const store = new SqliteConfigStore(':memory:');
    store.createDefinition(definition('api1'));
    expect(store.updateDefinition('api1', (d) => (d.api.name = 'renamed'))).toEqual({ result: 'renamed' });
    expect(() =>
      store.updateDefinition('api1', (d) => {
        d.api.name = 'half-done';
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(store.getDefinition('api1')?.api.name).toBe('renamed');
    expect(store.updateDefinition('missing', () => 1)).toBeUndefined();
  });

  it('cascades an API delete to its deployments and stages', () => {
    const store = new SqliteConfigStore(':memory:');
    store.createDefinition(definition('api1'));
    store.putDeployment({ id: 'dep001', restApiId: 'api1', createdDate: 2, snapshot: definition('api1') });
    store.putStage({ restApiId: 'api1', stageName: 'dev', deploymentId: 'dep001', cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, tracingEnabled: false, createdDate: 3, lastUpdatedDate: 3 });
    expect(store.deleteDefinition('api1')).toBe(true);
    expect(store.listDeployments('api1')).toEqual([]);
    expect(store.listStages('api1')).toEqual([]);
  });
});
