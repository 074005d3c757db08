// The one interface the control plane writes through and the data plane loads from.
// Implementations: sqlite/ (embedded default) and, for fleets, postgres/ (a later issue).
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../model/rest-api.js';
import type { FunctionStore } from './function-store.js';

export type Awaitable<T> = T | Promise<T>;

export interface ConfigStore {
  listDefinitions(): Awaitable<RestApiDefinition[]>;
  /** The ids of every REST API, without reading the definitions. */
  listRestApiIds(): Awaitable<string[]>;
  /** Whether a REST API exists, without reading its definition. */
  hasRestApi(restApiId: string): Awaitable<boolean>;
  getDefinition(restApiId: string): Awaitable<RestApiDefinition | undefined>;
  /** Inserts a new API; false when the id is taken. */
  createDefinition(definition: RestApiDefinition): Awaitable<boolean>;
  /**
   * Reads the definition, lets `mutate` change it in place and writes it back, atomically.
   * Returns undefined (and writes nothing) when the API does not exist; a throw writes nothing.
   */
  updateDefinition<T>(restApiId: string, mutate: (definition: RestApiDefinition) => T): Awaitable<{ result: T } | undefined>;
  /** Deletes the API with its deployments and stages. */
  deleteDefinition(restApiId: string): Awaitable<boolean>;

  putDeployment(deployment: DeploymentRecord): Awaitable<void>;
  getDeployment(restApiId: string, deploymentId: string): Awaitable<DeploymentRecord | undefined>;
  listDeployments(restApiId: string): Awaitable<DeploymentRecord[]>;
  deleteDeployment(restApiId: string, deploymentId: string): Awaitable<boolean>;

  putStage(stage: StageRecord): Awaitable<void>;
  getStage(restApiId: string, stageName: string): Awaitable<StageRecord | undefined>;
  listStages(restApiId?: string): Awaitable<StageRecord[]>;
  deleteStage(restApiId: string, stageName: string): Awaitable<boolean>;

  /** Lambda functions and their code (the `lambda` control plane, the local runtime). */
  readonly functions: FunctionStore;

  close(): Awaitable<void>;
}
