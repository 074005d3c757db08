// The ConfigStore contract (src/store/config-store.ts), run against every backend: SQLite in a
// file and in memory now, PostgreSQL when it arrives (add it to BACKENDS). Definitions,
// deployments, stages (atomic updates, the per-API limit, referential checks), functions and
// API keys, usage plans and their keys (memberships follow deletes; deleted stages leave plans),
// IAM users, access keys and roles (names unique regardless of case, keys going with their user),
// the change feed (versions, changes since a version, nothing published by a write that fails).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDeploymentError, type ConfigChange, type ConfigStore } from '../../src/store/config-store.js';
import { SqliteConfigStore } from '../../src/store/sqlite/sqlite-config-store.js';
import type { StageRecord } from '../../src/model/rest-api.js';
import {
  apiKeyRecord, deploymentRecord, functionRecord, iamAccessKeyRecord, iamRoleRecord, iamUserRecord, restApiRecord, stageRecord, usagePlanRecord,
} from '../helpers/store-records.js';

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

  describe('API keys and usage plans', () => {
    it('writes API keys, lists them newest first, updates atomically and deletes', async () => {
      const { store } = await backend.open();
      await store.putApiKeys([apiKeyRecord('key1')]);
      await store.putApiKeys([apiKeyRecord('key2'), apiKeyRecord('key3')]);
      expect((await store.listApiKeys()).map((k) => k.id)).toEqual(['key3', 'key2', 'key1']);
      expect((await store.getApiKey('key1'))?.sealedValue).toBe('v1:sealed-key1');
      expect(await store.getApiKey('nope')).toBeUndefined();
      // Putting an existing id replaces the key in place (ImportApiKeys overwrites by value).
      await store.putApiKeys([{ ...apiKeyRecord('key1'), name: 'renamed' }]);
      expect((await store.listApiKeys()).map((k) => [k.id, k.name])).toEqual([['key3', 'key3'], ['key2', 'key2'], ['key1', 'renamed']]);
      expect(await store.updateApiKey('key2', (k) => (k.enabled = false))).toEqual({ result: false });
      await expect(async () => store.updateApiKey('key2', (k) => {
        k.name = 'half-done';
        throw new Error('refused');
      })).rejects.toThrow('refused');
      expect(await store.getApiKey('key2')).toMatchObject({ name: 'key2', enabled: false });
      expect(await store.updateApiKey('nope', () => 1)).toBeUndefined();
      expect(await store.deleteApiKey('key2')).toBe(true);
      expect(await store.deleteApiKey('key2')).toBe(false);
      expect((await store.listApiKeys()).map((k) => k.id)).toEqual(['key3', 'key1']);
    });

    it('creates usage plans once per id, updates atomically, and refuses a delete of nothing', async () => {
      const { store } = await backend.open();
      expect(await store.createUsagePlan(usagePlanRecord('plan1'))).toBe(true);
      expect(await store.createUsagePlan(usagePlanRecord('plan2'))).toBe(true);
      expect(await store.createUsagePlan(usagePlanRecord('plan1'))).toBe(false);
      expect((await store.listUsagePlans()).map((p) => p.id)).toEqual(['plan2', 'plan1']);
      expect(await store.updateUsagePlan('plan1', (p) => (p.quota = { limit: 5, offset: 0, period: 'DAY' }))).toEqual({ result: { limit: 5, offset: 0, period: 'DAY' } });
      await expect(async () => store.updateUsagePlan('plan1', (p) => {
        p.name = 'half-done';
        throw new Error('refused');
      })).rejects.toThrow('refused');
      expect(await store.getUsagePlan('plan1')).toMatchObject({ name: 'plan1', quota: { limit: 5 } });
      expect(await store.updateUsagePlan('nope', () => 1)).toBeUndefined();
      expect(await store.deleteUsagePlan('plan2')).toBe(true);
      expect(await store.deleteUsagePlan('plan2')).toBe(false);
      expect(await store.getUsagePlan('plan2')).toBeUndefined();
    });

    it('adds keys to plans once, lists memberships newest first, and drops them with their key or plan', async () => {
      const { store } = await backend.open();
      await store.putApiKeys([apiKeyRecord('key1'), apiKeyRecord('key2')]);
      await store.createUsagePlan(usagePlanRecord('plan1'));
      await store.createUsagePlan(usagePlanRecord('plan2'));
      expect(await store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key1' })).toBe('added');
      expect(await store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key2' })).toBe('added');
      expect(await store.addUsagePlanKey({ usagePlanId: 'plan2', keyId: 'key1' })).toBe('added');
      expect(await store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key1' })).toBe('exists');
      expect(await store.addUsagePlanKey({ usagePlanId: 'nope', keyId: 'key1' })).toBe('no-plan');
      expect(await store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'nope' })).toBe('no-key');
      expect(await store.listUsagePlanKeys({ usagePlanId: 'plan1' })).toEqual([{ usagePlanId: 'plan1', keyId: 'key2' }, { usagePlanId: 'plan1', keyId: 'key1' }]);
      expect((await store.listUsagePlanKeys({ keyId: 'key1' })).map((l) => l.usagePlanId)).toEqual(['plan2', 'plan1']);
      expect(await store.listUsagePlanKeys()).toHaveLength(3);
      expect(await store.removeUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key2' })).toBe(true);
      expect(await store.removeUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key2' })).toBe(false);
      // Replacing a key keeps its memberships; deleting it or its plan drops them.
      await store.putApiKeys([{ ...apiKeyRecord('key1'), name: 'renamed' }]);
      expect(await store.listUsagePlanKeys({ keyId: 'key1' })).toHaveLength(2);
      await store.deleteUsagePlan('plan2');
      expect(await store.listUsagePlanKeys({ keyId: 'key1' })).toEqual([{ usagePlanId: 'plan1', keyId: 'key1' }]);
      await store.deleteApiKey('key1');
      expect(await store.listUsagePlanKeys()).toEqual([]);
    });

    it('imports keys with their memberships in one write, skipping plans that do not exist', async () => {
      const { store } = await backend.open();
      await store.createUsagePlan(usagePlanRecord('plan1'));
      await store.putApiKeys([apiKeyRecord('key1'), apiKeyRecord('key2')], [
        { usagePlanId: 'plan1', keyId: 'key1' }, { usagePlanId: 'plan1', keyId: 'key2' }, { usagePlanId: 'nope', keyId: 'key1' },
      ]);
      expect((await store.listUsagePlanKeys()).map((l) => `${l.usagePlanId}/${l.keyId}`)).toEqual(['plan1/key2', 'plan1/key1']);
    });

    it('takes a deleted stage, or the stages of a deleted API, out of every usage plan', async () => {
      const { store } = await backend.open();
      await store.createDefinition(definition('api1'));
      await store.createDefinition(definition('api2'));
      await store.createDeployment(deployment('api1', 'dep1'), pointStage('api1', 'dev', 'dep1'));
      await store.createStage(stage('api1', 'prod', 'dep1'), 10);
      await store.createDeployment(deployment('api2', 'dep2'), pointStage('api2', 'dev', 'dep2'));
      const all = [{ apiId: 'api1', stage: 'dev' }, { apiId: 'api1', stage: 'prod' }, { apiId: 'api2', stage: 'dev' }];
      await store.createUsagePlan(usagePlanRecord('plan1', all));
      await store.createUsagePlan(usagePlanRecord('plan2', [{ apiId: 'api2', stage: 'dev' }]));
      const heard = record(store);
      await store.deleteStage('api1', 'dev');
      expect((await store.getUsagePlan('plan1'))?.apiStages).toEqual([{ apiId: 'api1', stage: 'prod' }, { apiId: 'api2', stage: 'dev' }]);
      await store.deleteDefinition('api2');
      expect((await store.getUsagePlan('plan1'))?.apiStages).toEqual([{ apiId: 'api1', stage: 'prod' }]);
      expect((await store.getUsagePlan('plan2'))?.apiStages).toEqual([]);
      expect(heard.map(({ version: _version, ...change }) => change)).toEqual([
        { kind: 'stage', apiId: 'api1', stageName: 'dev' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'api-deleted', apiId: 'api2' },
        { kind: 'usage-plan', usagePlanId: 'plan2' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
      ]);
    });
  });

  describe('IAM identities', () => {
    it('creates users once per name regardless of case, updates atomically, and deletes them with their access keys', async () => {
      const { store } = await backend.open();
      expect(await store.iam.createUser(iamUserRecord('alice'))).toBe(true);
      expect(await store.iam.createUser(iamUserRecord('Alice'))).toBe(false);
      expect(await store.iam.createUser(iamUserRecord('bob'))).toBe(true);
      expect((await store.iam.listUsers()).map((u) => u.userName)).toEqual(['alice', 'bob']);
      expect((await store.iam.getUser('ALICE'))?.userName).toBe('alice');
      expect(await store.iam.updateUser('alice', (u) => { u.policies.p = '{}'; return 'done'; })).toEqual({ result: 'done' });
      await expect(Promise.resolve().then(() => store.iam.updateUser('alice', (u) => { u.policies.q = '{}'; throw new Error('no'); }))).rejects.toThrow('no');
      expect((await store.iam.getUser('alice'))?.policies).toEqual({ p: '{}' });
      expect(await store.iam.updateUser('nobody', () => 1)).toBeUndefined();

      expect(await store.iam.createAccessKey(iamAccessKeyRecord('AKIA1', 'alice'))).toBe(true);
      expect(await store.iam.createAccessKey(iamAccessKeyRecord('AKIA2', 'bob'))).toBe(true);
      expect(await store.iam.createAccessKey(iamAccessKeyRecord('AKIA3', 'nobody'))).toBe(false);
      expect((await store.iam.listAccessKeys()).map((k) => k.accessKeyId)).toEqual(['AKIA1', 'AKIA2']);
      expect(await store.iam.listAccessKeys('alice')).toEqual([iamAccessKeyRecord('AKIA1', 'alice')]);
      expect(await store.iam.deleteAccessKey('bob', 'AKIA1')).toBe(false);
      expect(await store.iam.deleteUser('alice')).toBe(true);
      expect(await store.iam.deleteUser('alice')).toBe(false);
      expect((await store.iam.listAccessKeys()).map((k) => k.accessKeyId)).toEqual(['AKIA2']);
      expect(await store.iam.deleteAccessKey('bob', 'AKIA2')).toBe(true);
    });

    it('creates roles once per name, updates atomically and deletes', async () => {
      const { store } = await backend.open();
      expect(await store.iam.createRole(iamRoleRecord('runner'))).toBe(true);
      expect(await store.iam.createRole(iamRoleRecord('RUNNER'))).toBe(false);
      await store.iam.updateRole('runner', (r) => r.attachedPolicies.push('arn:aws:iam::aws:policy/x'));
      expect((await store.iam.getRole('runner'))?.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/x']);
      expect((await store.iam.listRoles()).map((r) => r.roleName)).toEqual(['runner']);
      expect(await store.iam.deleteRole('runner')).toBe(true);
      expect(await store.iam.getRole('runner')).toBeUndefined();
    });

    it('publishes every IAM write as an iam-identity change naming the user or role, and nothing for a refused one', async () => {
      const { store } = await backend.open();
      const start = await store.configVersion();
      const heard = record(store);
      await store.iam.createUser(iamUserRecord('alice'));
      await store.iam.createAccessKey(iamAccessKeyRecord('AKIA1', 'alice'));
      await store.iam.updateUser('alice', (u) => (u.policies.p = '{}'));
      await store.iam.deleteAccessKey('alice', 'AKIA1');
      await store.iam.createRole(iamRoleRecord('runner'));
      await store.iam.deleteUser('alice');
      const version = await store.configVersion();
      await store.iam.createUser(iamUserRecord('alice'.toUpperCase()));
      await store.iam.deleteUser('ALICE');
      expect(heard.slice(0, 6).map(({ version: v, ...change }) => ({ step: v - start, ...change }))).toEqual(
        ['alice', 'alice', 'alice', 'alice', 'runner', 'alice'].map((name, i) => ({ step: i + 1, kind: 'iam-identity', name })),
      );
      expect((await store.changesSince(start)).changes).toEqual(heard);
      expect(await store.configVersion()).toBe(version + 2);
      expect(await store.iam.createAccessKey(iamAccessKeyRecord('AKIA9', 'nobody'))).toBe(false);
      expect(await store.iam.deleteRole('nobody')).toBe(false);
      expect(await store.configVersion()).toBe(version + 2);
    });

    it('keeps users, access keys and roles across a reopen (persistent backends)', async () => {
      const opened = await backend.open();
      if (opened.reopen === undefined) return;
      await opened.store.iam.createUser(iamUserRecord('alice'));
      await opened.store.iam.createAccessKey(iamAccessKeyRecord('AKIA1', 'alice'));
      await opened.store.iam.createRole(iamRoleRecord('runner'));
      const store = await opened.reopen();
      expect((await store.iam.getUser('alice'))?.userId).toBe('AIDAALICE');
      expect((await store.iam.listAccessKeys('alice'))[0]?.sealedSecret).toBe('v1:sealed-AKIA1');
      expect((await store.iam.getRole('runner'))?.roleId).toBe('AROARUNNER');
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

    it('publishes API key and usage plan writes as api-key and usage-plan changes', async () => {
      const { store } = await backend.open();
      const start = await store.configVersion();
      const heard = record(store);
      await store.putApiKeys([apiKeyRecord('key1')]);
      await store.updateApiKey('key1', (k) => (k.enabled = false));
      await store.createUsagePlan(usagePlanRecord('plan1'));
      await store.updateUsagePlan('plan1', (p) => (p.description = 'x'));
      await store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key1' });
      await store.removeUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key1' });
      await store.putApiKeys([apiKeyRecord('key2')], [{ usagePlanId: 'plan1', keyId: 'key2' }]);
      await store.deleteApiKey('key1');
      await store.deleteUsagePlan('plan1');
      const expected = [
        { kind: 'api-key', apiKeyId: 'key1' },
        { kind: 'api-key', apiKeyId: 'key1' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'api-key', apiKeyId: 'key2' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
        { kind: 'api-key', apiKeyId: 'key1' },
        { kind: 'usage-plan', usagePlanId: 'plan1' },
      ];
      expect(heard.map(({ version, ...change }) => ({ step: version - start, ...change }))).toEqual(expected.map((change, i) => ({ step: i + 1, ...change })));
      // A consumer catching up reads the same changes back from the feed.
      expect((await store.changesSince(start)).changes).toEqual(heard);
      // Refused writes publish nothing.
      const version = await store.configVersion();
      expect(await store.addUsagePlanKey({ usagePlanId: 'nope', keyId: 'key2' })).toBe('no-plan');
      expect(await store.deleteApiKey('nope')).toBe(false);
      expect(await store.deleteUsagePlan('nope')).toBe(false);
      expect(await store.removeUsagePlanKey({ usagePlanId: 'nope', keyId: 'key2' })).toBe(false);
      expect(await store.configVersion()).toBe(version);
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

    it('keeps API keys, usage plans and memberships across a reopen (persistent backends)', async () => {
      const opened = await backend.open();
      if (opened.reopen === undefined) return;
      await opened.store.putApiKeys([apiKeyRecord('key1')]);
      await opened.store.createUsagePlan(usagePlanRecord('plan1'));
      await opened.store.addUsagePlanKey({ usagePlanId: 'plan1', keyId: 'key1' });
      const store = await opened.reopen();
      expect((await store.getApiKey('key1'))?.sealedValue).toBe('v1:sealed-key1');
      expect((await store.getUsagePlan('plan1'))?.name).toBe('plan1');
      expect(await store.listUsagePlanKeys()).toEqual([{ usagePlanId: 'plan1', keyId: 'key1' }]);
    });
  });
});
