// The resolution snapshot: everything the listener needs to turn (Host, path) into an
// InvokeTarget without touching the store — every existing API (deployed or not) with its kind
// and compiled stages. The deployments table builds a new one with each change and swaps it in
// with one assignment; a request resolves against the snapshot it read.
//
// Later API kinds and features are more entries, not new code paths:
// - HTTP APIs: an entry of kind 'http' whose `$default` stage, when it exists, takes the whole
//   `apiPath` (no stage segment); otherwise the first segment names the stage, as for REST.
// - Custom domains: a `domains` map (Host → base-path mappings and routing rules) consulted
//   before the execute-api forms, giving (api, stage) and `defaultEndpoint: false`.
// - Canaries: a stage entry holding the main and canary CompiledStage and the percentage,
//   picked per request where `stage` is read.
import type { CompiledStage } from '../compiler/types.js';
import { parseExecuteApiUrl, type InvokeTarget } from './invoke-target.js';

export type ApiKind = 'rest';

export interface ApiEntry {
  readonly kind: ApiKind;
  /** Stage name → compiled stage; only deployed stages. */
  readonly stages: ReadonlyMap<string, CompiledStage>;
}

const NO_STAGES: ReadonlyMap<string, CompiledStage> = new Map();

export class ResolutionSnapshot {
  static readonly EMPTY = new ResolutionSnapshot(new Map());

  readonly #apis: ReadonlyMap<string, ApiEntry>;

  constructor(apis: ReadonlyMap<string, ApiEntry>) {
    this.#apis = apis;
  }

  /** Builds a snapshot from every API id and every compiled stage. */
  static of(apiIds: Iterable<string>, stages: Iterable<CompiledStage>): ResolutionSnapshot {
    const apis = new Map<string, { kind: ApiKind; stages: Map<string, CompiledStage> }>();
    for (const id of apiIds) apis.set(id, { kind: 'rest', stages: new Map() });
    for (const stage of stages) {
      let entry = apis.get(stage.apiId);
      if (entry === undefined) apis.set(stage.apiId, (entry = { kind: 'rest', stages: new Map() }));
      entry.stages.set(stage.stageName, stage);
    }
    return new ResolutionSnapshot(apis);
  }

  /** (Host, URL) → target; undefined when the URL is not an execute-api form (control plane). */
  resolve(url: string, host: string | undefined): InvokeTarget | undefined {
    const address = parseExecuteApiUrl(url, host);
    if (address === undefined) return undefined;
    const { apiId, stageName, path, rawQuery } = address;
    const entry = this.#apis.get(apiId);
    if (entry === undefined) return { kind: 'unknown-api', apiId, stageName, path, rawQuery };
    const stage = stageName === undefined ? undefined : entry.stages.get(stageName);
    if (stage === undefined) return { kind: 'unknown-stage', apiId, stageName, path, rawQuery };
    return { kind: 'stage', stage, path, rawQuery, defaultEndpoint: true };
  }

  hasApi(apiId: string): boolean {
    return this.#apis.has(apiId);
  }

  stage(apiId: string, stageName: string): CompiledStage | undefined {
    return this.#apis.get(apiId)?.stages.get(stageName);
  }

  /** Every compiled stage, for pruning compiled deployments. */
  *stages(): Iterable<CompiledStage> {
    for (const entry of this.#apis.values()) yield* entry.stages.values();
  }

  /** A copy where the API exists (its stages kept). */
  withApi(apiId: string): ResolutionSnapshot {
    if (this.#apis.has(apiId)) return this;
    return new ResolutionSnapshot(new Map(this.#apis).set(apiId, { kind: 'rest', stages: NO_STAGES }));
  }

  withoutApi(apiId: string): ResolutionSnapshot {
    if (!this.#apis.has(apiId)) return this;
    const apis = new Map(this.#apis);
    apis.delete(apiId);
    return new ResolutionSnapshot(apis);
  }

  /** A copy with the stage replaced (or removed, `compiled` undefined); the API is known either way. */
  withStage(apiId: string, stageName: string, compiled: CompiledStage | undefined): ResolutionSnapshot {
    const entry = this.#apis.get(apiId);
    if (compiled === undefined && entry?.stages.has(stageName) !== true) return this;
    const stages = new Map(entry?.stages ?? NO_STAGES);
    if (compiled === undefined) stages.delete(stageName);
    else stages.set(stageName, compiled);
    return new ResolutionSnapshot(new Map(this.#apis).set(apiId, { kind: entry?.kind ?? 'rest', stages }));
  }
}
