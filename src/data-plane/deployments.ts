// The deployments table: (apiId, stage) → CompiledStage, held as a ResolutionSnapshot
// (src/routing/resolution-snapshot.ts) that the listener resolves every request against. It
// follows the store's change feed (src/sync/change-follower.ts): at start, and whenever it
// falls behind the feed's memory, it reloads everything; a `stage` change re-reads that stage
// and its deployment, compiles off the request path and swaps in a new snapshot with one
// assignment; `api-created` / `api-deleted` keep the set of existing APIs, so an unknown stage
// is told from an unknown API without reading the store.
// Compiled deployments are cached by apiId/deploymentId, so a stage-variable change only
// rebuilds the stage wrapper, and dropped once no stage points at them. CreateDeployment
// compiles a deployment to check it and `offer`s the result, so it is compiled once. A failed
// compile keeps the last good entry; a request in flight keeps the object it started with.
import type { ConfigChange, ConfigStore } from '../store/config-store.js';
import type { DeploymentRecord, StageRecord } from '../model/rest-api.js';
import { compileDeployment, compileStage, type CompileOptions } from '../compiler/compile-deployment.js';
import type { CompiledDeployment, CompiledStage } from '../compiler/types.js';
import { ResolutionSnapshot } from '../routing/resolution-snapshot.js';
import type { InvokeTarget } from '../routing/invoke-target.js';
import { ChangeFollower } from '../sync/change-follower.js';
import type { Logger } from '../observability/logger.js';

export interface DeploymentsTableDeps {
  store: ConfigStore;
  log: Pick<Logger, 'warn' | 'error'>;
  compileOptions?: CompileOptions;
}

/** Offered compiled deployments kept until a stage takes them (CreateDeployment without a stage leaves one). */
const MAX_OFFERED = 16;

export class DeploymentsTable {
  readonly #deps: DeploymentsTableDeps;
  readonly #follower: ChangeFollower;
  #snapshot = ResolutionSnapshot.EMPTY;
  readonly #compiled = new Map<string, CompiledDeployment>();
  readonly #offered = new Map<string, CompiledDeployment>();
  /** Latest change number per stage key: an older async reload never overwrites a newer one. */
  readonly #generation = new Map<string, number>();
  /** Bumped by a full reload: stage reloads started before it are dropped. */
  #epoch = 0;
  readonly #pending = new Set<Promise<void>>();
  /** How many deployments were compiled here (tests check reuse). */
  compileCount = 0;

  constructor(deps: DeploymentsTableDeps) {
    this.#deps = deps;
    this.#follower = new ChangeFollower(deps.store, { apply: (change) => this.#apply(change), reload: () => this.#reloadAll() }, deps.log);
  }

  /** Reads every stage at startup, then follows the change feed. */
  load(): Promise<void> {
    return this.#follower.start();
  }

  /** The feed version this table has seen. */
  get version(): number {
    return this.#follower.version;
  }

  /** The current snapshot; requests resolve against the one they read. */
  get snapshot(): ResolutionSnapshot {
    return this.#snapshot;
  }

  resolve(url: string, host: string | undefined): InvokeTarget | undefined {
    return this.#snapshot.resolve(url, host);
  }

  get(apiId: string, stageName: string): CompiledStage | undefined {
    return this.#snapshot.stage(apiId, stageName);
  }

  /** Whether the API exists (deployed or not), as far as the feed has said. */
  hasApi(apiId: string): boolean {
    return this.#snapshot.hasApi(apiId);
  }

  /**
   * Compiles a deployment as this table would (with the data plane's dispatchers), without
   * holding it: CreateDeployment checks a snapshot with it, then offers the result.
   */
  compile(record: DeploymentRecord): CompiledDeployment {
    return compileDeployment(record.snapshot, record.id, this.#deps.compileOptions);
  }

  /** A deployment compiled elsewhere in this process (CreateDeployment's check), for its stage to take. */
  offer(deployment: CompiledDeployment): void {
    this.#offered.set(`${deployment.apiId}/${deployment.deploymentId}`, deployment);
    if (this.#offered.size > MAX_OFFERED) this.#offered.delete(this.#offered.keys().next().value as string);
  }

  /** Whether a compiled deployment is still held (tests check it is freed). */
  holds(apiId: string, deploymentId: string): boolean {
    return this.#compiled.has(`${apiId}/${deploymentId}`);
  }

  /** Applies the changes committed since the last one seen (a consumer that was stopped). */
  async catchUp(): Promise<void> {
    await this.#follower.catchUp();
    await this.settled();
  }

  /** Resolves when every reload started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  close(): void {
    this.#follower.stop();
  }

  #apply(change: ConfigChange): void {
    switch (change.kind) {
      case 'api-created':
        this.#swap(this.#snapshot.withApi(change.apiId));
        return;
      case 'api-deleted':
        for (const key of this.#generation.keys()) if (key.startsWith(`${change.apiId}/`)) this.#bump(key);
        this.#swap(this.#snapshot.withoutApi(change.apiId));
        return;
      case 'stage': {
        const promise = this.#reloadStage(change.apiId, change.stageName).finally(() => this.#pending.delete(promise));
        this.#pending.add(promise);
        return;
      }
      default:
    }
  }

  async #reloadAll(): Promise<void> {
    const epoch = ++this.#epoch;
    const apiIds = await this.#deps.store.listRestApiIds();
    const stages: CompiledStage[] = [];
    for (const record of await this.#deps.store.listStages()) {
      try {
        stages.push(compileStage(await this.#deployment(record), record));
      } catch (error) {
        this.#compileFailed(error, record.restApiId, record.stageName);
        const lastGood = this.#snapshot.stage(record.restApiId, record.stageName);
        if (lastGood !== undefined) stages.push(lastGood);
      }
    }
    if (epoch === this.#epoch) this.#swap(ResolutionSnapshot.of(apiIds, stages));
  }

  async #reloadStage(apiId: string, stageName: string): Promise<void> {
    const key = `${apiId}/${stageName}`;
    const generation = this.#bump(key);
    const epoch = this.#epoch;
    const current = () => this.#generation.get(key) === generation && this.#epoch === epoch;
    try {
      const stage = await this.#deps.store.getStage(apiId, stageName);
      if (!current()) return;
      if (stage === undefined) {
        this.#swap(this.#snapshot.withStage(apiId, stageName, undefined));
        return;
      }
      const deployment = await this.#deployment(stage);
      if (current()) this.#swap(this.#snapshot.withStage(apiId, stageName, compileStage(deployment, stage)));
    } catch (error) {
      this.#compileFailed(error, apiId, stageName);
    }
  }

  /** The compiled deployment a stage points at: cached, offered, or read and compiled now. */
  async #deployment(stage: StageRecord): Promise<CompiledDeployment> {
    const key = `${stage.restApiId}/${stage.deploymentId}`;
    const known = this.#compiled.get(key) ?? this.#offered.get(key);
    if (known !== undefined) {
      this.#compiled.set(key, known);
      this.#offered.delete(key);
      return known;
    }
    const record = await this.#deps.store.getDeployment(stage.restApiId, stage.deploymentId);
    if (record === undefined) throw new Error(`deployment ${stage.deploymentId} not found`);
    const compiled = compileDeployment(record.snapshot, record.id, this.#deps.compileOptions);
    this.compileCount++;
    this.#compiled.set(key, compiled);
    return compiled;
  }

  #bump(key: string): number {
    const generation = (this.#generation.get(key) ?? 0) + 1;
    this.#generation.set(key, generation);
    return generation;
  }

  #compileFailed(error: unknown, apiId: string, stageName: string): void {
    this.#deps.log.error({ err: error, apiId, stageName }, 'deployment compile failed; keeping the last good one');
  }

  /** Copy-on-write: requests read `#snapshot` once and keep what they read. */
  #swap(snapshot: ResolutionSnapshot): void {
    this.#snapshot = snapshot;
    this.#prune();
  }

  /** Drops compiled deployments no stage points at any more. */
  #prune(): void {
    const used = new Set<string>();
    for (const stage of this.#snapshot.stages()) used.add(`${stage.apiId}/${stage.deploymentId}`);
    for (const key of this.#compiled.keys()) if (!used.has(key)) this.#compiled.delete(key);
  }
}
