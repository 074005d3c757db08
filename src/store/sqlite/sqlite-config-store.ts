// Embedded ConfigStore on SQLite (better-sqlite3, WAL): one file in the data directory, or
// ':memory:'. Documents are stored as JSON; every write is one transaction, together with the
// change it publishes (sqlite-change-feed.ts), so a SIGKILL loses nothing that was acknowledged.
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import {
  MissingDeploymentError,
  type ChangeListener, type ChangesSince, type ConfigStore, type CreateStageOutcome, type DeploymentStageWrite,
} from '../config-store.js';
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../../model/rest-api.js';
import type { ApiKeyRecord, ApiStage, UsagePlanKeyLink, UsagePlanRecord } from '../../model/usage-plans.js';
import { migrate } from './migrations.js';
import { SqliteChangeFeed } from './sqlite-change-feed.js';
import { SqliteFunctionStore } from './sqlite-function-store.js';
import { SqliteIamStore } from './sqlite-iam-store.js';
import { SqliteHttpApiStore } from './sqlite-http-api-store.js';

export interface SqliteStoreOptions {
  /** How many changes the feed keeps for consumers that fell behind. */
  keptChanges?: number;
}

interface DocRow { doc: string }
interface LinkRow { usage_plan_id: string; key_id: string }

export class SqliteConfigStore implements ConfigStore {
  readonly #db: SqliteDatabase;
  readonly #sql: Record<string, Statement>;
  readonly #feed: SqliteChangeFeed;
  readonly functions: SqliteFunctionStore;
  readonly iam: SqliteIamStore;
  readonly httpApis: SqliteHttpApiStore;

  constructor(filename: string, options: SqliteStoreOptions = {}) {
    this.#db = new Database(filename);
    if (filename !== ':memory:') this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    migrate(this.#db);
    const db = this.#db;
    this.#sql = {
      listApis: db.prepare('SELECT doc FROM rest_apis ORDER BY created_date, id'),
      getApi: db.prepare('SELECT doc FROM rest_apis WHERE id = ?'),
      listApiIds: db.prepare('SELECT id FROM rest_apis').pluck(),
      hasApi: db.prepare('SELECT 1 FROM rest_apis WHERE id = ?').pluck(),
      insertApi: db.prepare('INSERT OR IGNORE INTO rest_apis (id, created_date, doc) VALUES (?, ?, ?)'),
      updateApi: db.prepare('UPDATE rest_apis SET doc = ? WHERE id = ?'),
      deleteApi: db.prepare('DELETE FROM rest_apis WHERE id = ?'),
      insertDeployment: db.prepare('INSERT INTO deployments (rest_api_id, id, created_date, doc) VALUES (?, ?, ?, ?)'),
      updateDeployment: db.prepare('UPDATE deployments SET doc = ? WHERE rest_api_id = ? AND id = ?'),
      getDeployment: db.prepare('SELECT doc FROM deployments WHERE rest_api_id = ? AND id = ?'),
      listDeployments: db.prepare('SELECT doc FROM deployments WHERE rest_api_id = ? ORDER BY created_date, id'),
      deleteDeployment: db.prepare('DELETE FROM deployments WHERE rest_api_id = ? AND id = ?'),
      putStage: db.prepare('INSERT OR REPLACE INTO stages (rest_api_id, stage_name, doc) VALUES (?, ?, ?)'),
      countStages: db.prepare('SELECT COUNT(*) FROM stages WHERE rest_api_id = ?').pluck(),
      getStage: db.prepare('SELECT doc FROM stages WHERE rest_api_id = ? AND stage_name = ?'),
      listStages: db.prepare('SELECT doc FROM stages WHERE rest_api_id = ? ORDER BY stage_name'),
      listAllStages: db.prepare('SELECT doc FROM stages ORDER BY rest_api_id, stage_name'),
      deleteStage: db.prepare('DELETE FROM stages WHERE rest_api_id = ? AND stage_name = ?'),
      listApiKeys: db.prepare('SELECT doc FROM api_keys ORDER BY seq DESC'),
      getApiKey: db.prepare('SELECT doc FROM api_keys WHERE id = ?'),
      // An upsert, not INSERT OR REPLACE: replacing the row would cascade to its memberships.
      putApiKey: db.prepare('INSERT INTO api_keys (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc'),
      deleteApiKey: db.prepare('DELETE FROM api_keys WHERE id = ?'),
      listUsagePlans: db.prepare('SELECT doc FROM usage_plans ORDER BY seq DESC'),
      getUsagePlan: db.prepare('SELECT doc FROM usage_plans WHERE id = ?'),
      insertUsagePlan: db.prepare('INSERT OR IGNORE INTO usage_plans (id, doc) VALUES (?, ?)'),
      updateUsagePlan: db.prepare('UPDATE usage_plans SET doc = ? WHERE id = ?'),
      deleteUsagePlan: db.prepare('DELETE FROM usage_plans WHERE id = ?'),
      listLinks: db.prepare(`SELECT usage_plan_id, key_id FROM usage_plan_keys
        WHERE (@plan IS NULL OR usage_plan_id = @plan) AND (@key IS NULL OR key_id = @key) ORDER BY seq DESC`),
      insertLink: db.prepare('INSERT OR IGNORE INTO usage_plan_keys (usage_plan_id, key_id) VALUES (?, ?)'),
      deleteLink: db.prepare('DELETE FROM usage_plan_keys WHERE usage_plan_id = ? AND key_id = ?'),
    };
    this.#feed = new SqliteChangeFeed(db, options.keptChanges);
    this.functions = new SqliteFunctionStore(db, this.#feed);
    this.iam = new SqliteIamStore(db, this.#feed);
    this.httpApis = new SqliteHttpApiStore(db, this.#feed);
  }

  listDefinitions(): RestApiDefinition[] {
    return this.#all<RestApiDefinition>('listApis');
  }

  listRestApiIds(): string[] {
    return this.#sql.listApiIds.all() as string[];
  }

  hasRestApi(restApiId: string): boolean {
    return this.#sql.hasApi.get(restApiId) !== undefined;
  }

  getDefinition(restApiId: string): RestApiDefinition | undefined {
    return this.#one<RestApiDefinition>('getApi', restApiId);
  }

  createDefinition(definition: RestApiDefinition): boolean {
    const { id, createdDate } = definition.api;
    return this.#feed.write(() => {
      if (this.#sql.insertApi.run(id, createdDate, JSON.stringify(definition)).changes !== 1) return false;
      this.#feed.record({ kind: 'api-created', apiId: id });
      return true;
    });
  }

  updateDefinition<T>(restApiId: string, mutate: (definition: RestApiDefinition) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const definition = this.getDefinition(restApiId);
      if (!definition) return undefined;
      const result = mutate(definition);
      this.#sql.updateApi.run(JSON.stringify(definition), restApiId);
      return { result };
    });
  }

  deleteDefinition(restApiId: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteApi.run(restApiId).changes !== 1) return false;
      this.#feed.record({ kind: 'api-deleted', apiId: restApiId });
      this.#detachStages((apiStage) => apiStage.apiId === restApiId);
      return true;
    });
  }

  createDeployment(deployment: DeploymentRecord, stageWrite?: DeploymentStageWrite): 'created' | 'limit-exceeded' {
    return this.#feed.write(() => {
      let stage: StageRecord | undefined;
      if (stageWrite !== undefined) {
        const existing = this.getStage(deployment.restApiId, stageWrite.stageName);
        if (existing === undefined && this.#stageCount(deployment.restApiId) >= stageWrite.limit) return 'limit-exceeded';
        stage = stageWrite.write(existing);
      }
      this.#sql.insertDeployment.run(deployment.restApiId, deployment.id, deployment.createdDate, JSON.stringify(deployment));
      if (stage !== undefined) this.#writeStage(stage);
      return 'created';
    });
  }

  updateDeployment<T>(restApiId: string, deploymentId: string, mutate: (deployment: DeploymentRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const deployment = this.getDeployment(restApiId, deploymentId);
      if (!deployment) return undefined;
      const result = mutate(deployment);
      this.#sql.updateDeployment.run(JSON.stringify(deployment), restApiId, deploymentId);
      return { result };
    });
  }

  getDeployment(restApiId: string, deploymentId: string): DeploymentRecord | undefined {
    return this.#one<DeploymentRecord>('getDeployment', restApiId, deploymentId);
  }

  listDeployments(restApiId: string): DeploymentRecord[] {
    return this.#all<DeploymentRecord>('listDeployments', restApiId);
  }

  deleteDeployment(restApiId: string, deploymentId: string): 'deleted' | 'not-found' | 'in-use' {
    return this.#feed.write(() => {
      if (!this.getDeployment(restApiId, deploymentId)) return 'not-found';
      if (this.listStages(restApiId).some((stage) => stage.deploymentId === deploymentId)) return 'in-use';
      this.#sql.deleteDeployment.run(restApiId, deploymentId);
      return 'deleted';
    });
  }

  createStage(stage: StageRecord, limit: number): CreateStageOutcome {
    return this.#feed.write(() => {
      if (!this.getDeployment(stage.restApiId, stage.deploymentId)) return 'no-deployment';
      if (this.getStage(stage.restApiId, stage.stageName)) return 'exists';
      if (this.#stageCount(stage.restApiId) >= limit) return 'limit-exceeded';
      this.#writeStage(stage);
      return 'created';
    });
  }

  getStage(restApiId: string, stageName: string): StageRecord | undefined {
    return this.#one<StageRecord>('getStage', restApiId, stageName);
  }

  listStages(restApiId?: string): StageRecord[] {
    return restApiId === undefined ? this.#all<StageRecord>('listAllStages') : this.#all<StageRecord>('listStages', restApiId);
  }

  updateStage<T>(restApiId: string, stageName: string, mutate: (stage: StageRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const stage = this.getStage(restApiId, stageName);
      if (!stage) return undefined;
      const result = mutate(stage);
      this.#writeStage(stage);
      return { result };
    });
  }

  deleteStage(restApiId: string, stageName: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteStage.run(restApiId, stageName).changes !== 1) return false;
      this.#feed.record({ kind: 'stage', apiId: restApiId, stageName });
      this.#detachStages((apiStage) => apiStage.apiId === restApiId && apiStage.stage === stageName);
      return true;
    });
  }

  listApiKeys(): ApiKeyRecord[] {
    return this.#all<ApiKeyRecord>('listApiKeys');
  }

  getApiKey(apiKeyId: string): ApiKeyRecord | undefined {
    return this.#one<ApiKeyRecord>('getApiKey', apiKeyId);
  }

  putApiKeys(keys: readonly ApiKeyRecord[], links: readonly UsagePlanKeyLink[] = []): void {
    this.#feed.write(() => {
      for (const key of keys) {
        this.#sql.putApiKey.run(key.id, JSON.stringify(key));
        this.#feed.record({ kind: 'api-key', apiKeyId: key.id });
      }
      const joined = new Set<string>();
      for (const link of links) {
        if (this.getUsagePlan(link.usagePlanId) === undefined || this.getApiKey(link.keyId) === undefined) continue;
        if (this.#sql.insertLink.run(link.usagePlanId, link.keyId).changes === 1) joined.add(link.usagePlanId);
      }
      for (const usagePlanId of joined) this.#feed.record({ kind: 'usage-plan', usagePlanId });
    });
  }

  updateApiKey<T>(apiKeyId: string, mutate: (key: ApiKeyRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const key = this.getApiKey(apiKeyId);
      if (!key) return undefined;
      const result = mutate(key);
      this.#sql.putApiKey.run(apiKeyId, JSON.stringify(key));
      this.#feed.record({ kind: 'api-key', apiKeyId });
      return { result };
    });
  }

  deleteApiKey(apiKeyId: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteApiKey.run(apiKeyId).changes !== 1) return false;
      this.#feed.record({ kind: 'api-key', apiKeyId });
      return true;
    });
  }

  listUsagePlans(): UsagePlanRecord[] {
    return this.#all<UsagePlanRecord>('listUsagePlans');
  }

  getUsagePlan(usagePlanId: string): UsagePlanRecord | undefined {
    return this.#one<UsagePlanRecord>('getUsagePlan', usagePlanId);
  }

  createUsagePlan(plan: UsagePlanRecord): boolean {
    return this.#feed.write(() => {
      if (this.#sql.insertUsagePlan.run(plan.id, JSON.stringify(plan)).changes !== 1) return false;
      this.#feed.record({ kind: 'usage-plan', usagePlanId: plan.id });
      return true;
    });
  }

  updateUsagePlan<T>(usagePlanId: string, mutate: (plan: UsagePlanRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const plan = this.getUsagePlan(usagePlanId);
      if (!plan) return undefined;
      const result = mutate(plan);
      this.#sql.updateUsagePlan.run(JSON.stringify(plan), usagePlanId);
      this.#feed.record({ kind: 'usage-plan', usagePlanId });
      return { result };
    });
  }

  deleteUsagePlan(usagePlanId: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteUsagePlan.run(usagePlanId).changes !== 1) return false;
      this.#feed.record({ kind: 'usage-plan', usagePlanId });
      return true;
    });
  }

  listUsagePlanKeys(filter: Partial<UsagePlanKeyLink> = {}): UsagePlanKeyLink[] {
    return (this.#sql.listLinks.all({ plan: filter.usagePlanId ?? null, key: filter.keyId ?? null }) as LinkRow[])
      .map((row) => ({ usagePlanId: row.usage_plan_id, keyId: row.key_id }));
  }

  addUsagePlanKey(link: UsagePlanKeyLink): 'added' | 'no-plan' | 'no-key' | 'exists' {
    return this.#feed.write(() => {
      if (this.getUsagePlan(link.usagePlanId) === undefined) return 'no-plan';
      if (this.getApiKey(link.keyId) === undefined) return 'no-key';
      if (this.#sql.insertLink.run(link.usagePlanId, link.keyId).changes !== 1) return 'exists';
      this.#feed.record({ kind: 'usage-plan', usagePlanId: link.usagePlanId });
      return 'added';
    });
  }

  removeUsagePlanKey(link: UsagePlanKeyLink): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteLink.run(link.usagePlanId, link.keyId).changes !== 1) return false;
      this.#feed.record({ kind: 'usage-plan', usagePlanId: link.usagePlanId });
      return true;
    });
  }

  configVersion(): number {
    return this.#feed.configVersion();
  }

  changesSince(version: number): ChangesSince {
    return this.#feed.changesSince(version);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#feed.subscribe(listener);
  }

  close(): void {
    this.#db.close();
  }

  /** Inside a write: a stage always points at a deployment of its API. */
  #writeStage(stage: StageRecord): void {
    if (!this.getDeployment(stage.restApiId, stage.deploymentId)) throw new MissingDeploymentError(stage.deploymentId);
    this.#sql.putStage.run(stage.restApiId, stage.stageName, JSON.stringify(stage));
    this.#feed.record({ kind: 'stage', apiId: stage.restApiId, stageName: stage.stageName });
  }

  /**
   * Inside a write: takes the API stages `gone` selects out of every usage plan. AWS detaches a
   * deleted stage from its usage plans (as the Terraform AWS provider's maintainers describe it,
   * hashicorp/terraform-provider-aws#14100; unverified against a recording).
   */
  #detachStages(gone: (apiStage: ApiStage) => boolean): void {
    for (const plan of this.listUsagePlans()) {
      const kept = plan.apiStages.filter((apiStage) => !gone(apiStage));
      if (kept.length === plan.apiStages.length) continue;
      plan.apiStages = kept;
      this.#sql.updateUsagePlan.run(JSON.stringify(plan), plan.id);
      this.#feed.record({ kind: 'usage-plan', usagePlanId: plan.id });
    }
  }

  #stageCount(restApiId: string): number {
    return this.#sql.countStages.get(restApiId) as number;
  }

  #one<T>(statement: string, ...params: unknown[]): T | undefined {
    const row = this.#sql[statement].get(...params) as DocRow | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  #all<T>(statement: string, ...params: unknown[]): T[] {
    return (this.#sql[statement].all(...params) as DocRow[]).map((row) => JSON.parse(row.doc) as T);
  }
}
