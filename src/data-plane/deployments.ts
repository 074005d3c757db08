// The deployments table: (apiId, stage) → CompiledStage (REST) or CompiledHttpStage (HTTP APIs), held as a ResolutionSnapshot
// (src/routing/resolution-snapshot.ts) that the listener resolves every request against. It
// follows the store's change feed (src/sync/change-follower.ts): at start, and whenever it
// falls behind the feed's memory, it reloads everything; a `stage` change re-reads that stage
// and its deployment, compiles off the request path and swaps in a new snapshot with one
// assignment (`http-stage` the same for HTTP APIs: a stage that has no deployment yet serves
// nothing); `api-created` / `api-deleted` (`http-api-…`) keep the set of existing APIs and their
// kinds, so an unknown stage is told from an unknown API without reading the store.
// Compiled deployments are cached by apiId/deploymentId, so a stage-variable change only
// rebuilds the stage wrapper, and dropped once no stage points at them. CreateDeployment
// compiles a deployment to check it and `offer`s the result, so it is compiled once. A failed
// compile keeps the last good entry; a request in flight keeps the object it started with.
import type { ConfigChange, ConfigStore } from '../store/config-store.js';
import type { DeploymentRecord, StageRecord } from '../model/rest-api.js';
import type { HttpStageRecord } from '../model/http-api.js';
import { compileDeployment, compileStage, type CompileOptions } from '../compiler/compile-deployment.js';
import type { CompiledDeployment } from '../compiler/types.js';
import type { CompiledHttpDeployment } from '../compiler/http-api/types.js';
import { compileHttpDeployment, compileHttpStage } from '../compiler/http-api/compile-http-deployment.js';
import { ResolutionSnapshot, type AnyCompiledStage } from '../routing/resolution-snapshot.js';
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
  readonly #compiled = new Map<string, CompiledDeployment | CompiledHttpDeployment>();
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

  get(apiId: string, stageName: string): ReturnType<ResolutionSnapshot['stage']> {
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
      case 'http-api-created':
        this.#swap(this.#snapshot.withApi(change.apiId, 'http'));
        return;
      case 'http-api-deleted':
        for (const key of this.#generation.keys()) if (key.startsWith(`${change.apiId}/`)) this.#bump(key);
        this.#swap(this.#snapshot.withoutApi(change.apiId));
        return;
      case 'stage':
      case 'http-stage': {
        const promise = this.#reloadStage(change.apiId, change.stageName, change.kind === 'http-stage').finally(() => this.#pending.delete(promise));
        this.#pending.add(promise);
        return;
      }
      default:
    }
  }

  async #reloadAll(): Promise<void> {
    const epoch = ++this.#epoch;
    const store = this.#deps.store;
    const apiIds = await store.listRestApiIds();
    const httpApiIds = await store.httpApis.listApiIds();
    const stages: AnyCompiledStage[] = [];
    const keep = async (apiId: string, stageName: string, compile: () => Promise<AnyCompiledStage | undefined>) => {
      try {
        const compiled = await compile();
        if (compiled !== undefined) stages.push(compiled);
      } catch (error) {
        this.#compileFailed(error, apiId, stageName);
        const lastGood = this.#snapshot.anyStage(apiId, stageName);
        if (lastGood !== undefined) stages.push(lastGood);
      }
    };
    for (const record of await store.listStages()) {
      await keep(record.restApiId, record.stageName, async () => compileStage(await this.#deployment(record), record));
    }
    for (const record of await store.httpApis.listStages()) {
      await keep(record.apiId, record.stageName, () => this.#compileHttpStage(record));
    }
    if (epoch === this.#epoch) this.#swap(ResolutionSnapshot.of(apiIds, stages, httpApiIds));
  }

  async #reloadStage(apiId: string, stageName: string, http: boolean): Promise<void> {
    const key = `${apiId}/${stageName}`;
    const generation = this.#bump(key);
    const epoch = this.#epoch;
    const current = () => this.#generation.get(key) === generation && this.#epoch === epoch;
    try {
      let compiled: AnyCompiledStage | undefined;
      if (http) {
        const stage = await this.#deps.store.httpApis.getStage(apiId, stageName);
        if (!current()) return;
        compiled = stage === undefined ? undefined : await this.#compileHttpStage(stage);
      } else {
        const stage = await this.#deps.store.getStage(apiId, stageName);
        if (!current()) return;
        compiled = stage === undefined ? undefined : compileStage(await this.#deployment(stage), stage);
      }
      if (current()) this.#swap(this.#snapshot.withStage(apiId, stageName, compiled));
    } catch (error) {
      this.#compileFailed(error, apiId, stageName);
    }
  }

  /** An HTTP API stage with its deployment compiled (cached); undefined while it has no deployment. */
  async #compileHttpStage(stage: HttpStageRecord): Promise<AnyCompiledStage | undefined> {
    const deploymentId = stage.deploymentId;
    if (deploymentId === undefined) return undefined;
    const key = `${stage.apiId}/${deploymentId}`;
    let deployment = this.#compiled.get(key);
    if (deployment?.kind !== 'http') {
      const record = await this.#deps.store.httpApis.getDeployment(stage.apiId, deploymentId);
      if (record === undefined) throw new Error(`deployment ${deploymentId} not found`);
      deployment = compileHttpDeployment(record.snapshot, deploymentId, this.#deps.compileOptions);
      this.compileCount++;
      this.#compiled.set(key, deployment);
    }
    const account = this.#deps.compileOptions?.account ?? { rate: 10_000, burst: 5_000 };
    return compileHttpStage(deployment, stage, account);
  }

  /** The compiled deployment a stage points at: cached, offered, or read and compiled now. */
  async #deployment(stage: StageRecord): Promise<CompiledDeployment> {
    const key = `${stage.restApiId}/${stage.deploymentId}`;
    const cached = this.#compiled.get(key);
    const known = (cached?.kind === 'http' ? undefined : cached) ?? this.#offered.get(key);
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
