// Where HTTP APIs live: the working copy of each API (routes, integrations, authorizers), its
// immutable deployments and its stages. Part of the ConfigStore (store.httpApis); SQLite
// implements it in sqlite/sqlite-http-api-store.ts. Writes publish `http-api-created` and
// `http-api-deleted` and `http-stage` (a stage created, repointed, changed or deleted), which the
// data plane's deployments table follows.
import type { HttpApiDefinition, HttpDeploymentRecord, HttpStageRecord } from '../model/http-api.js';
import type { Awaitable, CreateStageOutcome } from './config-store.js';

export interface HttpApiStore {
  /** Every HTTP API, in creation order. */
  listApis(): Awaitable<HttpApiDefinition[]>;
  listApiIds(): Awaitable<string[]>;
  getApi(apiId: string): Awaitable<HttpApiDefinition | undefined>;
  /** Inserts a new API with its first stages (quick create); false when the id is taken. */
  createApi(definition: HttpApiDefinition, stages?: readonly HttpStageRecord[]): Awaitable<boolean>;
  /** Atomic read-modify-write of the working copy; undefined when the API does not exist, a throw writes nothing. */
  updateApi<T>(apiId: string, mutate: (definition: HttpApiDefinition) => T): Awaitable<{ result: T } | undefined>;
  /** Deletes the API with its deployments and stages. */
  deleteApi(apiId: string): Awaitable<boolean>;

  /**
   * Stores a deployment and points the stages `repoint` picks at it, in one transaction (the
   * stage named by CreateDeployment, or every auto-deploying stage). False when the API is gone.
   */
  createDeployment(deployment: HttpDeploymentRecord, repoint: (stage: HttpStageRecord) => boolean): Awaitable<boolean>;
  getDeployment(apiId: string, deploymentId: string): Awaitable<HttpDeploymentRecord | undefined>;
  /** Newest first. */
  listDeployments(apiId: string): Awaitable<HttpDeploymentRecord[]>;
  updateDeployment<T>(apiId: string, deploymentId: string, mutate: (deployment: HttpDeploymentRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Refused ('in-use', nothing deleted) while a stage points at the deployment. */
  deleteDeployment(apiId: string, deploymentId: string): Awaitable<'deleted' | 'not-found' | 'in-use'>;

  /** Inserts a stage (its deployment, when named, must exist), within `limit` stages per API. */
  createStage(stage: HttpStageRecord, limit: number): Awaitable<CreateStageOutcome>;
  getStage(apiId: string, stageName: string): Awaitable<HttpStageRecord | undefined>;
  /** By name; every API's when `apiId` is undefined. */
  listStages(apiId?: string): Awaitable<HttpStageRecord[]>;
  /** Atomic read-modify-write; a stage left pointing at a missing deployment throws MissingDeploymentError. */
  updateStage<T>(apiId: string, stageName: string, mutate: (stage: HttpStageRecord) => T): Awaitable<{ result: T } | undefined>;
  deleteStage(apiId: string, stageName: string): Awaitable<boolean>;
}
