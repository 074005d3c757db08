// The deployments table (DESIGN.md §4): (apiId, stage) → CompiledStage. Loaded from the store at
// start; on a DeploymentEvents change the stage and its deployment are re-read, compiled off the
// request path and swapped in with one assignment. Compiled deployments are cached by
// restApiId/deploymentId, so a stage-variable change only rebuilds the stage wrapper. A failed
// compile keeps the last good entry; a request in flight keeps the object it started with.
// It also keeps the ids of every existing REST API (deployed or not), so that a request for an
// unknown stage is answered without reading the store.
import type { ConfigStore } from '../store/config-store.js';
import type { DeploymentChange, DeploymentEvents } from '../sync/deployment-events.js';
import type { StageRecord } from '../model/rest-api.js';
import { compileDeployment, compileStage, type CompileOptions } from '../compiler/compile-deployment.js';
import type { CompiledDeployment, CompiledStage } from '../compiler/types.js';
import type { Logger } from '../observability/logger.js';

type Table = ReadonlyMap<string, ReadonlyMap<string, CompiledStage>>;

export interface DeploymentsTableDeps {
  store: ConfigStore;
  events: DeploymentEvents;
  log: Pick<Logger, 'warn' | 'error'>;
  compileOptions?: CompileOptions;
}

export class DeploymentsTable {
  readonly #deps: DeploymentsTableDeps;
  #table: Table = new Map();
  readonly #compiled = new Map<string, CompiledDeployment>();
  /** Latest change number per stage key: an older async reload never overwrites a newer one. */
  readonly #generation = new Map<string, number>();
  #pending = new Set<Promise<void>>();
  /** Ids of the REST APIs that exist, deployed or not: read at start, then kept by events. */
  readonly #apiIds = new Set<string>();
  #unsubscribe: (() => void) | undefined;
  /** How many deployments were compiled (tests check reuse). */
  compileCount = 0;

  constructor(deps: DeploymentsTableDeps) {
    this.#deps = deps;
  }

  /** Reads every stage at startup, then follows changes. */
  async load(): Promise<void> {
    this.#unsubscribe ??= this.#deps.events.subscribe((change) => this.#onChange(change));
    for (const id of await this.#deps.store.listRestApiIds()) this.#apiIds.add(id);
    const stages = await this.#deps.store.listStages();
    for (const stage of stages) await this.#reload(stage.restApiId, stage.stageName, stage);
  }

  get(restApiId: string, stageName: string): CompiledStage | undefined {
    return this.#table.get(restApiId)?.get(stageName);
  }

  /** Whether the REST API exists (deployed or not), as far as the store and events have said. */
  hasApi(restApiId: string): boolean {
    return this.#apiIds.has(restApiId) || this.#table.has(restApiId);
  }

  /** Records an API found in the store by other means (it was created without an event). */
  noteApi(restApiId: string): void {
    this.#apiIds.add(restApiId);
  }

  /** Resolves when every reload started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #onChange(change: DeploymentChange): void {
    if (change.kind === 'api-deleted') {
      this.#apiIds.delete(change.restApiId);
      this.#removeApi(change.restApiId);
      return;
    }
    this.#apiIds.add(change.restApiId);
    if (change.kind === 'api-created') return;
    const promise = this.#reload(change.restApiId, change.stageName).finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
  }

  async #reload(restApiId: string, stageName: string, known?: StageRecord): Promise<void> {
    const key = `${restApiId}/${stageName}`;
    const generation = (this.#generation.get(key) ?? 0) + 1;
    this.#generation.set(key, generation);
    try {
      const stage = known ?? (await this.#deps.store.getStage(restApiId, stageName));
      if (this.#generation.get(key) !== generation) return;
      if (stage === undefined) {
        this.#swap(restApiId, stageName, undefined);
        return;
      }
      const deploymentKey = `${restApiId}/${stage.deploymentId}`;
      let deployment = this.#compiled.get(deploymentKey);
      if (deployment === undefined) {
        const record = await this.#deps.store.getDeployment(restApiId, stage.deploymentId);
        if (this.#generation.get(key) !== generation) return;
        if (record === undefined) throw new Error(`deployment ${stage.deploymentId} not found`);
        deployment = compileDeployment(record.snapshot, record.id, this.#deps.compileOptions);
        this.compileCount++;
        this.#compiled.set(deploymentKey, deployment);
      }
      this.#swap(restApiId, stageName, compileStage(deployment, stage));
    } catch (error) {
      this.#deps.log.error({ err: error, restApiId, stageName }, 'deployment compile failed; keeping the last good one');
    }
  }

  /** Copy-on-write: requests read `#table` once and keep what they read. */
  #swap(restApiId: string, stageName: string, compiled: CompiledStage | undefined): void {
    const table = new Map(this.#table);
    const stages = new Map(table.get(restApiId) ?? []);
    if (compiled === undefined) stages.delete(stageName);
    else stages.set(stageName, compiled);
    if (stages.size === 0) table.delete(restApiId);
    else table.set(restApiId, stages);
    this.#table = table;
    this.#prune();
  }

  #removeApi(restApiId: string): void {
    for (const key of this.#generation.keys()) if (key.startsWith(`${restApiId}/`)) this.#generation.set(key, (this.#generation.get(key) ?? 0) + 1);
    const table = new Map(this.#table);
    table.delete(restApiId);
    this.#table = table;
    this.#prune();
  }

  /** Drops compiled deployments no stage points at any more. */
  #prune(): void {
    const used = new Set<string>();
    for (const stages of this.#table.values()) for (const stage of stages.values()) used.add(`${stage.apiId}/${stage.deploymentId}`);
    for (const key of this.#compiled.keys()) if (!used.has(key)) this.#compiled.delete(key);
  }
}
