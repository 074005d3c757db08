// The ConfigStore contract (src/store/config-store.ts), run against every backend: SQLite in a
// file and in memory now, PostgreSQL when it arrives (add it to BACKENDS). Definitions,
// deployments, stages (atomic updates, the per-API limit, referential checks), functions and
// the change feed (versions, changes since a version, nothing published by a write that fails).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDeploymentError, type ConfigChange, type ConfigStore } from '../../src/store/config-store.js';
import { SqliteConfigStore } from '../../src/store/sqlite/sqlite-config-store.js';
import type { StageRecord } from '../../src/model/rest-api.js';
import { deploymentRecord, functionRecord, restApiRecord, stageRecord } from '../helpers/store-records.js';

interface Backend {
  name: string;
  /** A fresh, empty store; `keptChanges` bounds the feed's memory. */
  open(options?: { keptChanges?: number }): Promise<OpenedStore>;
}

interface OpenedStore {
  store: ConfigStore;
  /** Closes and opens the same storage again, when the backend persists. */
  reopen?(): Promise<ConfigStore>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BACKENDS: Backend[] = [
  {
    name: 'SQLite file',
    async open(options) {
      const dir = mkdtempSync(join(tmpdir(), 'archway-conformance-'));
      const file = join(dir, 'archway.db');
      let store = new SqliteConfigStore(file, options);
      cleanups.push(() => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return {
        store,
        async reopen() {
          store.close();
          store = new SqliteConfigStore(file, options);
          return store;
        },
      };
    },
  },
  {
    name: 'SQLite :memory:',
    async open(options) {
      const store = new SqliteConfigStore(':memory:', options);
      cleanups.push(() => store.close());
      return { store };
    },
  },
];

const definition = restApiRecord;
const deployment = deploymentRecord;
const stage = stageRecord;
const fn = functionRecord;

/** CreateDeployment's stage write: a new stage, or the existing one repointed. */
const pointStage = (restApiId: string, stageName: string, deploymentId: string, limit = 10) => ({
  stageName, limit, write: (existing: StageRecord | undefined) => (existing ? Object.assign(existing, { deploymentId }) : stage(restApiId, stageName, deploymentId)),
});

/** Every change the store publishes, as subscribers hear them. */
function record(store: ConfigStore): ConfigChange[] {
  const heard: ConfigChange[] = [];
  cleanups.push(store.subscribe((change) => heard.push(change)));
  return heard;
}

describe.each(BACKENDS)('ConfigStore conformance: $name', (backend) => {
  describe('definitions', () => {
    it('creates once per id, reads, lists in creation order and answers existence without the document', async () => {
      const { store } = await backend.open();
      expect(await store.createDefinition(definition('api2', 5))).toBe(true);
      expect(await store.createDefinition(definition('api1', 7))).toBe(true);
      expect(await store.createDefinition(definition('api1', 9))).toBe(false);
      expect((await store.getDefinition('api1'))?.api.createdDate).toBe(7);
      expect(await store.getDefinition('nope')).toBeUndefined();
      expect((await store.listDefinitions()).map((d) => d.api.id)).toEqual(['api2', 'api1']);
      expect((await store.listRestApiIds()).sort()).toEqual(['api1', 'api2']);
      expect([await store.hasRestApi('api1'), await store.hasRestApi('nope')]).toEqual([true, false]);
    });

    it('updates atomically and writes nothing when the mutation throws', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      expect(await store.updateDefinition('api1', (d) => (d.api.name = 'renamed'))).toEqual({ result: 'renamed' });
      await expect(async () => store.updateDefinition('api1', (d) => {
        d.api.name = 'half-done';
        throw new Error('refused');
      })).rejects.toThrow('refused');
      expect((await store.getDefinition('api1'))?.api.name).toBe('renamed');
      expect(await store.updateDefinition('missing', () => 1)).toBeUndefined();
    });

    it('cascades an API delete to its deployments and stages', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep001'), pointStage('api1', 'dev', 'dep001'));
      expect(await store.deleteDefinition('api1')).toBe(true);
      expect(await store.deleteDefinition('api1')).toBe(false);
      expect(await store.listDeployments('api1')).toEqual([]);
      expect(await store.listStages('api1')).toEqual([]);
    });
  });

  describe('deployments', () => {
    it('stores, lists, updates and deletes deployments; one a stage uses is not deleted', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      expect(await store.createDeployment(deployment('api1', 'dep2', 4))).toBe('created');
      expect(await store.createDeployment(deployment('api1', 'dep1', 3), pointStage('api1', 'dev', 'dep1'))).toBe('created');
      expect((await store.listDeployments('api1')).map((d) => d.id)).toEqual(['dep1', 'dep2']);
      expect(await store.updateDeployment('api1', 'dep2', (d) => (d.description = 'second'))).toEqual({ result: 'second' });
      expect((await store.getDeployment('api1', 'dep2'))?.description).toBe('second');
      expect(await store.updateDeployment('api1', 'nope', () => 1)).toBeUndefined();
      expect(await store.deleteDeployment('api1', 'dep1')).toBe('in-use');
      expect(await store.deleteDeployment('api1', 'dep2')).toBe('deleted');
      expect(await store.deleteDeployment('api1', 'dep2')).toBe('not-found');
      expect((await store.listDeployments('api1')).map((d) => d.id)).toEqual(['dep1']);
    });

    it('creates or repoints the stage with the deployment, and writes neither past the stage limit', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'a', 'dep1', 2));
      await store.createDeployment(deployment('api1', 'dep2'), pointStage('api1', 'b', 'dep2', 2));
      expect(await store.createDeployment(deployment('api1', 'dep3'), pointStage('api1', 'c', 'dep3', 2))).toBe('limit-exceeded');
      expect(await store.getDeployment('api1', 'dep3')).toBeUndefined();
      expect(await store.getStage('api1', 'c')).toBeUndefined();
      // Repointing an existing stage is not a new stage: the limit does not apply.
      expect(await store.createDeployment(deployment('api1', 'dep4'), pointStage('api1', 'a', 'dep4', 2))).toBe('created');
      expect((await store.getStage('api1', 'a'))?.deploymentId).toBe('dep4');
    });
  });

  describe('stages', () => {
    it('creates a stage only for an existing deployment, a free name and within the limit', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'));
      expect(await store.createStage(stage('api1', 'dev', 'nope'), 2)).toBe('no-deployment');
      expect(await store.createStage(stage('api1', 'dev', 'dep1'), 2)).toBe('created');
      expect(await store.createStage(stage('api1', 'dev', 'dep1'), 2)).toBe('exists');
      expect(await store.createStage(stage('api1', 'prod', 'dep1'), 2)).toBe('created');
      expect(await store.createStage(stage('api1', 'third', 'dep1'), 2)).toBe('limit-exceeded');
      expect((await store.listStages('api1')).map((s) => s.stageName)).toEqual(['dev', 'prod']);
      expect((await store.listStages()).length).toBe(2);
    });

    it('never lets concurrent creates pass the limit', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'));
      const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (name) => store.createStage(stage('api1', name, 'dep1'), 3)));
      expect(outcomes.filter((outcome) => outcome === 'created').length).toBe(3);
      expect(outcomes.filter((outcome) => outcome === 'limit-exceeded').length).toBe(2);
      expect((await store.listStages('api1')).length).toBe(3);
    });

    it('updates a stage atomically: a throw or a missing deployment writes nothing', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1'));
      await store.createDeployment(deployment('api1', 'dep2'));
      expect(await store.updateStage('api1', 'dev', (s) => (s.variables = { a: '1' }))).toEqual({ result: { a: '1' } });
      await expect(async () => store.updateStage('api1', 'dev', (s) => {
        s.variables = { a: 'half-done' };
        throw new Error('refused');
      })).rejects.toThrow('refused');
      await expect(async () => store.updateStage('api1', 'dev', (s) => {
        s.deploymentId = 'nope';
        s.variables = { a: 'half-done' };
      })).rejects.toBeInstanceOf(MissingDeploymentError);
      expect(await store.getStage('api1', 'dev')).toMatchObject({ deploymentId: 'dep1', variables: { a: '1' } });
      await store.updateStage('api1', 'dev', (s) => (s.deploymentId = 'dep2'));
      expect((await store.getStage('api1', 'dev'))?.deploymentId).toBe('dep2');
      expect(await store.updateStage('api1', 'nope', () => 1)).toBeUndefined();
      expect(await store.deleteStage('api1', 'dev')).toBe(true);
      expect(await store.deleteStage('api1', 'dev')).toBe(false);
    });
  });

  describe('functions', () => {
    it('creates once per name, updates atomically, deletes, and prunes code no version uses', async () => {
      const { store } = await backend.open();
      const functions = store.functions;
      expect(await functions.createFunction(fn('f1'))).toBe(true);
      expect(await functions.createFunction(fn('f1'))).toBe(false);
      await functions.createFunction(fn('f0', 'b'.repeat(64)));
      expect((await functions.listFunctions()).map((f) => f.name)).toEqual(['f0', 'f1']);
      expect(await functions.updateFunction('f1', (f) => (f.latest.Description = 'new'))).toEqual({ result: 'new' });
      await expect(async () => functions.updateFunction('f1', (f) => {
        f.latest.Description = 'half-done';
        throw new Error('refused');
      })).rejects.toThrow('refused');
      expect((await functions.getFunction('f1'))?.latest.Description).toBe('new');
      expect(await functions.updateFunction('nope', () => 1)).toBeUndefined();

      await functions.putCode('a'.repeat(64), Buffer.from('zip-a'));
      await functions.putCode('b'.repeat(64), Buffer.from('zip-b'));
      expect(await functions.deleteFunction('f0')).toBe(true);
      expect(await functions.deleteFunction('f0')).toBe(false);
      await functions.pruneCode();
      expect((await functions.getCode('a'.repeat(64)))?.toString()).toBe('zip-a');
      expect(await functions.getCode('b'.repeat(64))).toBeUndefined();
    });
  });

  describe('change feed', () => {
    it('publishes each committed write once, with versions increasing by one, after the commit', async () => {
      const { store } = await backend.open();
      const start = await store.configVersion();
      const heard = record(store);
      const seenAtNotification: (StageRecord | undefined | Promise<StageRecord | undefined>)[] = [];
      cleanups.push(store.subscribe((change) => {
        if (change.kind === 'stage') seenAtNotification.push(store.getStage(change.apiId, change.stageName));
      }));
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1'));
      await store.updateStage('api1', 'dev', (s) => (s.variables = { a: '1' }));
      await store.deleteStage('api1', 'dev');
      await store.functions.createFunction(fn('f1'));
      await store.functions.updateFunction('f1', (f) => (f.latest.Description = 'x'));
      await store.functions.deleteFunction('f1');
      await store.deleteDefinition('api1');
      expect(heard.map(({ version, ...change }) => ({ step: version - start, ...change }))).toEqual([
        { step: 1, kind: 'api-created', apiId: 'api1' },
        { step: 2, kind: 'stage', apiId: 'api1', stageName: 'dev' },
        { step: 3, kind: 'stage', apiId: 'api1', stageName: 'dev' },
        { step: 4, kind: 'stage', apiId: 'api1', stageName: 'dev' },
        { step: 5, kind: 'function', functionName: 'f1' },
        { step: 6, kind: 'function', functionName: 'f1' },
        { step: 7, kind: 'function', functionName: 'f1' },
        { step: 8, kind: 'api-deleted', apiId: 'api1' },
      ]);
      expect(await store.configVersion()).toBe(start + 8);
      // A subscriber reads the write it is told about.
      expect((await Promise.all(seenAtNotification)).map((s) => s?.variables)).toEqual([undefined, { a: '1' }, undefined]);
    });

    it('answers the changes since a version, for a consumer that missed them', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      const missedFrom = await store.configVersion();
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1'));
      await store.createStage(stage('api1', 'prod', 'dep1'), 10);
      await store.createDefinition(definition('api2'));
      const { changes, complete } = await store.changesSince(missedFrom);
      expect(complete).toBe(true);
      expect(changes.map((c) => c.version)).toEqual([missedFrom + 1, missedFrom + 2, missedFrom + 3]);
      expect(changes.map((c) => c.kind)).toEqual(['stage', 'stage', 'api-created']);
      expect(await store.changesSince(await store.configVersion())).toEqual({ changes: [], complete: true });
    });

    it('publishes nothing for a write that throws or is refused', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1', 1));
      const version = await store.configVersion();
      const heard = record(store);
      await expect(async () => store.updateStage('api1', 'dev', () => {
        throw new Error('refused');
      })).rejects.toThrow('refused');
      await expect(async () => store.updateStage('api1', 'dev', (s) => (s.deploymentId = 'nope'))).rejects.toBeInstanceOf(MissingDeploymentError);
      await expect(async () => store.createDeployment(deployment('api1', 'dep2'), {
        stageName: 'other', limit: 10, write: () => {
          throw new Error('bad stage');
        },
      })).rejects.toThrow('bad stage');
      expect(await store.createDeployment(deployment('api1', 'dep3'), pointStage('api1', 'second', 'dep3', 1))).toBe('limit-exceeded');
      expect(await store.createStage(stage('api1', 'dev', 'dep1'), 10)).toBe('exists');
      expect(await store.createDefinition(definition('api1'))).toBe(false);
      expect(await store.deleteStage('api1', 'nope')).toBe(false);
      expect(await store.functions.deleteFunction('nope')).toBe(false);
      expect(heard).toEqual([]);
      expect(await store.configVersion()).toBe(version);
      expect(await store.getDeployment('api1', 'dep2')).toBeUndefined();
    });

    it('trims the oldest changes and says so to a consumer behind them', async () => {
      const { store } = await backend.open({ keptChanges: 3 });
      for (const id of ['a', 'b', 'c', 'd', 'e']) await store.createDefinition(definition(id));
      const version = await store.configVersion();
      expect((await store.changesSince(version - 3)).complete).toBe(true);
      expect((await store.changesSince(version - 3)).changes.length).toBe(3);
      expect(await store.changesSince(version - 5)).toEqual({ changes: [], complete: false });
    });

    it('keeps the data and the version across a reopen (persistent backends)', async () => {
      const opened = await backend.open();
      if (opened.reopen === undefined) return;
      await opened.store.createDefinition(definition('api1'));
      await opened.store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1'));
      const version = await opened.store.configVersion();
      const store = await opened.reopen();
      expect((await store.getDefinition('api1'))?.api.name).toBe('api1');
      expect((await store.getDeployment('api1', 'dep1'))?.snapshot.api.id).toBe('api1');
      expect((await store.listStages()).map((s) => s.stageName)).toEqual(['dev']);
      expect(await store.configVersion()).toBe(version);
      await store.createDefinition(definition('api2'));
      expect(await store.configVersion()).toBe(version + 1);
    });
  });
});
