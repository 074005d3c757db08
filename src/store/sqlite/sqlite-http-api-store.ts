// HttpApiStore on the SQLite database the ConfigStore opened (migration 6): working copies,
// deployments and stages as JSON documents; deployments and stages go with their API.
import type { Database, Statement } from 'better-sqlite3';
import type { HttpApiDefinition, HttpDeploymentRecord, HttpStageRecord } from '../../model/http-api.js';
import { MissingDeploymentError, type CreateStageOutcome } from '../config-store.js';
import type { HttpApiStore } from '../http-api-store.js';
import type { SqliteChangeFeed } from './sqlite-change-feed.js';

interface DocRow { doc: string }

export class SqliteHttpApiStore implements HttpApiStore {
  readonly #sql: Record<string, Statement>;
  readonly #feed: SqliteChangeFeed;

  constructor(db: Database, feed: SqliteChangeFeed) {
    this.#feed = feed;
    this.#sql = {
      listApis: db.prepare('SELECT doc FROM http_apis ORDER BY seq'),
      listApiIds: db.prepare('SELECT id FROM http_apis ORDER BY seq').pluck(),
      getApi: db.prepare('SELECT doc FROM http_apis WHERE id = ?'),
      insertApi: db.prepare('INSERT OR IGNORE INTO http_apis (id, doc) VALUES (?, ?)'),
      updateApi: db.prepare('UPDATE http_apis SET doc = ? WHERE id = ?'),
      deleteApi: db.prepare('DELETE FROM http_apis WHERE id = ?'),
      insertDeployment: db.prepare('INSERT INTO http_deployments (api_id, id, doc) VALUES (?, ?, ?)'),
      updateDeployment: db.prepare('UPDATE http_deployments SET doc = ? WHERE api_id = ? AND id = ?'),
      getDeployment: db.prepare('SELECT doc FROM http_deployments WHERE api_id = ? AND id = ?'),
      listDeployments: db.prepare('SELECT doc FROM http_deployments WHERE api_id = ? ORDER BY seq DESC'),
      deleteDeployment: db.prepare('DELETE FROM http_deployments WHERE api_id = ? AND id = ?'),
      putStage: db.prepare('INSERT OR REPLACE INTO http_stages (api_id, stage_name, doc) VALUES (?, ?, ?)'),
      countStages: db.prepare('SELECT COUNT(*) FROM http_stages WHERE api_id = ?').pluck(),
      getStage: db.prepare('SELECT doc FROM http_stages WHERE api_id = ? AND stage_name = ?'),
      listStages: db.prepare('SELECT doc FROM http_stages WHERE api_id = ? ORDER BY stage_name'),
      listAllStages: db.prepare('SELECT doc FROM http_stages ORDER BY api_id, stage_name'),
      deleteStage: db.prepare('DELETE FROM http_stages WHERE api_id = ? AND stage_name = ?'),
    };
  }

  listApis(): HttpApiDefinition[] {
    return this.#all('listApis');
  }

  listApiIds(): string[] {
    return this.#sql.listApiIds.all() as string[];
  }

  getApi(apiId: string): HttpApiDefinition | undefined {
    return this.#one('getApi', apiId);
  }

  createApi(definition: HttpApiDefinition, stages: readonly HttpStageRecord[] = []): boolean {
    return this.#feed.write(() => {
      if (this.#sql.insertApi.run(definition.api.apiId, JSON.stringify(definition)).changes !== 1) return false;
      this.#feed.record({ kind: 'http-api-created', apiId: definition.api.apiId });
      for (const stage of stages) this.#writeStage(stage);
      return true;
    });
  }

  updateApi<T>(apiId: string, mutate: (definition: HttpApiDefinition) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const definition = this.getApi(apiId);
      if (definition === undefined) return undefined;
      const result = mutate(definition);
      this.#sql.updateApi.run(JSON.stringify(definition), apiId);
      return { result };
    });
  }

  deleteApi(apiId: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteApi.run(apiId).changes !== 1) return false;
      this.#feed.record({ kind: 'http-api-deleted', apiId });
      return true;
    });
  }

  createDeployment(deployment: HttpDeploymentRecord, repoint: (stage: HttpStageRecord) => boolean): boolean {
    return this.#feed.write(() => {
      if (this.getApi(deployment.apiId) === undefined) return false;
      this.#sql.insertDeployment.run(deployment.apiId, deployment.deploymentId, JSON.stringify(deployment));
      for (const stage of this.listStages(deployment.apiId)) {
        if (!repoint(stage)) continue;
        stage.deploymentId = deployment.deploymentId;
        stage.lastUpdatedDate = deployment.createdDate;
        this.#writeStage(stage);
      }
      return true;
    });
  }

  getDeployment(apiId: string, deploymentId: string): HttpDeploymentRecord | undefined {
    return this.#one('getDeployment', apiId, deploymentId);
  }

  listDeployments(apiId: string): HttpDeploymentRecord[] {
    return this.#all('listDeployments', apiId);
  }

  updateDeployment<T>(apiId: string, deploymentId: string, mutate: (deployment: HttpDeploymentRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const deployment = this.getDeployment(apiId, deploymentId);
      if (deployment === undefined) return undefined;
      const result = mutate(deployment);
      this.#sql.updateDeployment.run(JSON.stringify(deployment), apiId, deploymentId);
      return { result };
    });
  }

  deleteDeployment(apiId: string, deploymentId: string): 'deleted' | 'not-found' | 'in-use' {
    return this.#feed.write(() => {
      if (this.getDeployment(apiId, deploymentId) === undefined) return 'not-found';
      if (this.listStages(apiId).some((stage) => stage.deploymentId === deploymentId)) return 'in-use';
      this.#sql.deleteDeployment.run(apiId, deploymentId);
      return 'deleted';
    });
  }

  createStage(stage: HttpStageRecord, limit: number): CreateStageOutcome {
    return this.#feed.write(() => {
      if (stage.deploymentId !== undefined && this.getDeployment(stage.apiId, stage.deploymentId) === undefined) return 'no-deployment';
      if (this.getStage(stage.apiId, stage.stageName) !== undefined) return 'exists';
      if ((this.#sql.countStages.get(stage.apiId) as number) >= limit) return 'limit-exceeded';
      this.#writeStage(stage);
      return 'created';
    });
  }

  getStage(apiId: string, stageName: string): HttpStageRecord | undefined {
    return this.#one('getStage', apiId, stageName);
  }

  listStages(apiId?: string): HttpStageRecord[] {
    return apiId === undefined ? this.#all('listAllStages') : this.#all('listStages', apiId);
  }

  updateStage<T>(apiId: string, stageName: string, mutate: (stage: HttpStageRecord) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const stage = this.getStage(apiId, stageName);
      if (stage === undefined) return undefined;
      const result = mutate(stage);
      this.#writeStage(stage);
      return { result };
    });
  }

  deleteStage(apiId: string, stageName: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteStage.run(apiId, stageName).changes !== 1) return false;
      this.#feed.record({ kind: 'http-stage', apiId, stageName });
      return true;
    });
  }

  /** Inside a write: a stage points at a deployment of its API, or at none yet. */
  #writeStage(stage: HttpStageRecord): void {
    if (stage.deploymentId !== undefined && this.getDeployment(stage.apiId, stage.deploymentId) === undefined) {
      throw new MissingDeploymentError(stage.deploymentId);
    }
    this.#sql.putStage.run(stage.apiId, stage.stageName, JSON.stringify(stage));
    this.#feed.record({ kind: 'http-stage', apiId: stage.apiId, stageName: stage.stageName });
  }

  #one<T>(statement: string, ...params: unknown[]): T | undefined {
    const row = this.#sql[statement].get(...params) as DocRow | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  #all<T>(statement: string, ...params: unknown[]): T[] {
    return (this.#sql[statement].all(...params) as DocRow[]).map((row) => JSON.parse(row.doc) as T);
  }
}
