// The one interface the control plane writes through and the data plane loads from.
// Implementations: sqlite/ (embedded default) and, for fleets, postgres/ (a later issue).
//
// The store owns the change feed: every write a consumer must see (an API created or deleted,
// a stage created, changed or deleted, a function written, an API key or a usage plan (with
// its keys) written, an IAM user, access key or role written, an HTTP API or its stage written) appends a ConfigChange with the next
// configuration version in the same transaction as the write, and subscribers are told after
// the commit. A write that throws publishes nothing. Consumers follow the feed with a
// ChangeFollower (src/sync/change-follower.ts) and catch up from the last version they applied.
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../model/rest-api.js';
import type { ApiKeyRecord, UsagePlanKeyLink, UsagePlanRecord } from '../model/usage-plans.js';
import type { FunctionStore } from './function-store.js';
import type { IamStore } from './iam-store.js';
import type { HttpApiStore } from './http-api-store.js';

export type Awaitable<T> = T | Promise<T>;

/** One committed write, as the feed records it. `version` increases by one per change. */
export type ConfigChange =
  | { version: number; kind: 'api-created' | 'api-deleted'; apiId: string }
  | { version: number; kind: 'stage'; apiId: string; stageName: string }
  | { version: number; kind: 'function'; functionName: string }
  /** An API key was created, changed or deleted (a deleted key leaves every usage plan). */
  | { version: number; kind: 'api-key'; apiKeyId: string }
  /** A usage plan, its API stages or its keys changed, or the plan was deleted. */
  | { version: number; kind: 'usage-plan'; usagePlanId: string }
  /** An IAM user (its policies or access keys) or role was created, changed or deleted. */
  | { version: number; kind: 'iam-identity'; name: string }
  /** An HTTP API was created, or deleted with its deployments and stages. */
  | { version: number; kind: 'http-api-created' | 'http-api-deleted'; apiId: string }
  /** An HTTP API stage was created, repointed, changed or deleted. */
  | { version: number; kind: 'http-stage'; apiId: string; stageName: string };

type WithoutVersion<T> = T extends unknown ? Omit<T, 'version'> : never;
/** What a write describes; the store adds the version. */
export type ChangeDescription = WithoutVersion<ConfigChange>;

export interface ChangesSince {
  /** The changes after the version asked for, oldest first. */
  changes: ConfigChange[];
  /** False when the feed was trimmed past that version: the consumer must reload everything. */
  complete: boolean;
}

/** Runs right after the commit, inside the writer's call: it must not throw (ChangeFollower never does). */
export type ChangeListener = (change: ConfigChange) => void;

/** How a new stage fits: refused when its deployment is missing, its name taken or the API full. */
export type CreateStageOutcome = 'created' | 'no-deployment' | 'exists' | 'limit-exceeded';

/** CreateDeployment's stage: created (within `limit` stages per API) or repointed, with the deployment. */
export interface DeploymentStageWrite {
  stageName: string;
  limit: number;
  /** Builds the new stage, or changes `existing` in place and returns it. */
  write(existing: StageRecord | undefined): StageRecord;
}

/** A stage was made to point at a deployment that does not exist; nothing was written. */
export class MissingDeploymentError extends Error {
  constructor(readonly deploymentId: string) {
    super(`deployment ${deploymentId} does not exist`);
  }
}

/** Reading and following the change feed (the ConfigStore's, or a fleet's LISTEN/NOTIFY later). */
export interface ChangeFeed {
  /** The version of the last committed change (0 before any). */
  configVersion(): Awaitable<number>;
  /** The changes after `version`, for a consumer catching up. */
  changesSince(version: number): Awaitable<ChangesSince>;
  /** Told of every change after it commits, in version order. Returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
}

export interface ConfigStore extends ChangeFeed {
  listDefinitions(): Awaitable<RestApiDefinition[]>;
  /** The ids of every REST API, without reading the definitions. */
  listRestApiIds(): Awaitable<string[]>;
  /** Whether a REST API exists, without reading its definition. */
  hasRestApi(restApiId: string): Awaitable<boolean>;
  getDefinition(restApiId: string): Awaitable<RestApiDefinition | undefined>;
  /** Inserts a new API; false when the id is taken. Publishes `api-created`. */
  createDefinition(definition: RestApiDefinition): Awaitable<boolean>;
  /**
   * Reads the definition, lets `mutate` change it in place and writes it back, atomically.
   * Returns undefined (and writes nothing) when the API does not exist; a throw writes nothing.
   */
  updateDefinition<T>(restApiId: string, mutate: (definition: RestApiDefinition) => T): Awaitable<{ result: T } | undefined>;
  /**
   * Deletes the API with its deployments and stages, and takes its stages out of every usage
   * plan (as AWS does). Publishes `api-deleted` (and `usage-plan` per plan changed).
   */
  deleteDefinition(restApiId: string): Awaitable<boolean>;

  /**
   * Stores a new deployment and, with `stage`, creates or repoints that stage, in one
   * transaction (publishing `stage`). 'limit-exceeded' (nothing written) when the stage is new
   * and the API already has `stage.limit` stages.
   */
  createDeployment(deployment: DeploymentRecord, stage?: DeploymentStageWrite): Awaitable<'created' | 'limit-exceeded'>;
  getDeployment(restApiId: string, deploymentId: string): Awaitable<DeploymentRecord | undefined>;
  listDeployments(restApiId: string): Awaitable<DeploymentRecord[]>;
  /** Atomic read-modify-write of a deployment's own fields (its description). */
  updateDeployment<T>(restApiId: string, deploymentId: string, mutate: (deployment: DeploymentRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Refused ('in-use', nothing deleted) while a stage points at the deployment. */
  deleteDeployment(restApiId: string, deploymentId: string): Awaitable<'deleted' | 'not-found' | 'in-use'>;

  /** Inserts a stage, checking its deployment, its name and the per-API `limit` in the same transaction. */
  createStage(stage: StageRecord, limit: number): Awaitable<CreateStageOutcome>;
  getStage(restApiId: string, stageName: string): Awaitable<StageRecord | undefined>;
  listStages(restApiId?: string): Awaitable<StageRecord[]>;
  /**
   * Atomic read-modify-write of a stage; undefined when it does not exist, a throw writes
   * nothing, and a stage left pointing at a missing deployment throws MissingDeploymentError.
   */
  updateStage<T>(restApiId: string, stageName: string, mutate: (stage: StageRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Also takes the stage out of every usage plan (as AWS does), publishing `usage-plan` per plan changed. */
  deleteStage(restApiId: string, stageName: string): Awaitable<boolean>;

  /** API keys, newest first. */
  listApiKeys(): Awaitable<ApiKeyRecord[]>;
  getApiKey(apiKeyId: string): Awaitable<ApiKeyRecord | undefined>;
  /**
   * Writes API keys (new, or replacing the one with the same id) and adds them to usage plans,
   * in one transaction (ImportApiKeys writes many; CreateApiKey one). Links to a plan that does
   * not exist are skipped. Publishes `api-key` per key and `usage-plan` per plan joined.
   */
  putApiKeys(keys: readonly ApiKeyRecord[], links?: readonly UsagePlanKeyLink[]): Awaitable<void>;
  /** Atomic read-modify-write of an API key; undefined when it does not exist, a throw writes nothing. */
  updateApiKey<T>(apiKeyId: string, mutate: (key: ApiKeyRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Deletes the key and its usage plan memberships. Publishes `api-key`. */
  deleteApiKey(apiKeyId: string): Awaitable<boolean>;

  /** Usage plans, newest first. */
  listUsagePlans(): Awaitable<UsagePlanRecord[]>;
  getUsagePlan(usagePlanId: string): Awaitable<UsagePlanRecord | undefined>;
  /** Inserts a new plan; false when the id is taken. Publishes `usage-plan`. */
  createUsagePlan(plan: UsagePlanRecord): Awaitable<boolean>;
  /** Atomic read-modify-write of a usage plan; undefined when it does not exist, a throw writes nothing. */
  updateUsagePlan<T>(usagePlanId: string, mutate: (plan: UsagePlanRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Deletes the plan and its key memberships. Publishes `usage-plan`. */
  deleteUsagePlan(usagePlanId: string): Awaitable<boolean>;
  /** Memberships, newest first, of one plan, of one key, or all. */
  listUsagePlanKeys(filter?: Partial<UsagePlanKeyLink>): Awaitable<UsagePlanKeyLink[]>;
  /** Adds a key to a plan; refused when either is missing or the key is already in it. Publishes `usage-plan`. */
  addUsagePlanKey(link: UsagePlanKeyLink): Awaitable<'added' | 'no-plan' | 'no-key' | 'exists'>;
  /** Publishes `usage-plan`. */
  removeUsagePlanKey(link: UsagePlanKeyLink): Awaitable<boolean>;

  /** Lambda functions and their code (the `lambda` control plane, the local runtime). */
  readonly functions: FunctionStore;
  /** IAM users, their access keys and policies, and roles (the `iam` control plane, AWS_IAM callers). */
  readonly iam: IamStore;
  /** HTTP APIs (apigatewayv2): working copies, deployments, stages. */
  readonly httpApis: HttpApiStore;

  close(): Awaitable<void>;
}
