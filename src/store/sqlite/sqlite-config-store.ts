// Embedded ConfigStore on SQLite (better-sqlite3, WAL): one file in the data directory, or
// ':memory:'. Documents are stored as JSON; every write is one transaction, so a SIGKILL
// loses nothing that was acknowledged.
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { ConfigStore } from '../config-store.js';
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../../model/rest-api.js';
import { migrate } from './migrations.js';
import { SqliteFunctionStore } from './sqlite-function-store.js';

interface DocRow { doc: string }

export class SqliteConfigStore implements ConfigStore {
  readonly #db: SqliteDatabase;
  readonly #sql: Record<string, Statement>;
  readonly functions: SqliteFunctionStore;

  constructor(filename: string) {
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
      putDeployment: db.prepare('INSERT OR REPLACE INTO deployments (rest_api_id, id, created_date, doc) VALUES (?, ?, ?, ?)'),
      getDeployment: db.prepare('SELECT doc FROM deployments WHERE rest_api_id = ? AND id = ?'),
      listDeployments: db.prepare('SELECT doc FROM deployments WHERE rest_api_id = ? ORDER BY created_date, id'),
      deleteDeployment: db.prepare('DELETE FROM deployments WHERE rest_api_id = ? AND id = ?'),
      putStage: db.prepare('INSERT OR REPLACE INTO stages (rest_api_id, stage_name, doc) VALUES (?, ?, ?)'),
      getStage: db.prepare('SELECT doc FROM stages WHERE rest_api_id = ? AND stage_name = ?'),
      listStages: db.prepare('SELECT doc FROM stages WHERE rest_api_id = ? ORDER BY stage_name'),
      listAllStages: db.prepare('SELECT doc FROM stages ORDER BY rest_api_id, stage_name'),
      deleteStage: db.prepare('DELETE FROM stages WHERE rest_api_id = ? AND stage_name = ?'),
    };
    this.functions = new SqliteFunctionStore(db);
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
    return this.#sql.insertApi.run(id, createdDate, JSON.stringify(definition)).changes === 1;
  }

  updateDefinition<T>(restApiId: string, mutate: (definition: RestApiDefinition) => T): { result: T } | undefined {
    return this.#db.transaction(() => {
      const definition = this.getDefinition(restApiId);
      if (!definition) return undefined;
      const result = mutate(definition);
      this.#sql.updateApi.run(JSON.stringify(definition), restApiId);
      return { result };
    }).immediate();
  }

  deleteDefinition(restApiId: string): boolean {
    return this.#sql.deleteApi.run(restApiId).changes === 1;
  }

  putDeployment(deployment: DeploymentRecord): void {
    this.#sql.putDeployment.run(deployment.restApiId, deployment.id, deployment.createdDate, JSON.stringify(deployment));
  }

  getDeployment(restApiId: string, deploymentId: string): DeploymentRecord | undefined {
    return this.#one<DeploymentRecord>('getDeployment', restApiId, deploymentId);
  }

  listDeployments(restApiId: string): DeploymentRecord[] {
    return this.#all<DeploymentRecord>('listDeployments', restApiId);
  }

  deleteDeployment(restApiId: string, deploymentId: string): boolean {
    return this.#sql.deleteDeployment.run(restApiId, deploymentId).changes === 1;
  }

  putStage(stage: StageRecord): void {
    this.#sql.putStage.run(stage.restApiId, stage.stageName, JSON.stringify(stage));
  }

  getStage(restApiId: string, stageName: string): StageRecord | undefined {
    return this.#one<StageRecord>('getStage', restApiId, stageName);
  }

  listStages(restApiId?: string): StageRecord[] {
    return restApiId === undefined ? this.#all<StageRecord>('listAllStages') : this.#all<StageRecord>('listStages', restApiId);
  }

  deleteStage(restApiId: string, stageName: string): boolean {
    return this.#sql.deleteStage.run(restApiId, stageName).changes === 1;
  }

  close(): void {
    this.#db.close();
  }

  #one<T>(statement: string, ...params: unknown[]): T | undefined {
    const row = this.#sql[statement].get(...params) as DocRow | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  #all<T>(statement: string, ...params: unknown[]): T[] {
    return (this.#sql[statement].all(...params) as DocRow[]).map((row) => JSON.parse(row.doc) as T);
  }
}
