// The resolution snapshot: everything the listener needs to turn (Host, path) into an
// InvokeTarget without touching the store — every existing API (deployed or not) with its kind
// and compiled stages. The deployments table builds a new one with each change and swaps it in
// with one assignment; a request resolves against the snapshot it read.
//
// HTTP APIs are entries of kind 'http': the first segment names a stage when the API has one of
// that name; otherwise the `$default` stage, when it exists, takes the whole path
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).
// Later features are more entries, not new code paths:
// - Custom domains: a `domains` map (Host → base-path mappings and routing rules) consulted
//   before the execute-api forms, giving (api, stage) and `defaultEndpoint: false`.
// - Canaries: a stage entry holding the main and canary CompiledStage and the percentage,
//   picked per request where `stage` is read.
import type { CompiledStage } from '../compiler/types.js';
import type { CompiledHttpStage } from '../compiler/http-api/types.js';
import { DEFAULT_KEY } from '../model/http-api.js';
import { parseExecuteApiUrl, type ExecuteApiAddress, type InvokeTarget } from './invoke-target.js';

export type ApiKind = 'rest' | 'http';

/** A compiled stage of either kind (`kind` tells them apart). */
export type AnyCompiledStage = CompiledStage | CompiledHttpStage;

export interface ApiEntry {
  readonly kind: ApiKind;
  /** Stage name → compiled stage; only deployed stages. */
  readonly stages: ReadonlyMap<string, AnyCompiledStage>;
}

const NO_STAGES: ReadonlyMap<string, AnyCompiledStage> = new Map();

export class ResolutionSnapshot {
  static readonly EMPTY = new ResolutionSnapshot(new Map());

  readonly #apis: ReadonlyMap<string, ApiEntry>;

  constructor(apis: ReadonlyMap<string, ApiEntry>) {
    this.#apis = apis;
  }

  /** Builds a snapshot from every API id (REST and HTTP) and every compiled stage. */
  static of(restApiIds: Iterable<string>, stages: Iterable<AnyCompiledStage>, httpApiIds: Iterable<string> = []): ResolutionSnapshot {
    const apis = new Map<string, { kind: ApiKind; stages: Map<string, AnyCompiledStage> }>();
    for (const id of restApiIds) apis.set(id, { kind: 'rest', stages: new Map() });
    for (const id of httpApiIds) apis.set(id, { kind: 'http', stages: new Map() });
    for (const stage of stages) {
      let entry = apis.get(stage.apiId);
      if (entry === undefined) apis.set(stage.apiId, (entry = { kind: stage.kind, stages: new Map() }));
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
    if (entry.kind === 'http') return resolveHttp(entry, address);
    const stage = stageName === undefined ? undefined : entry.stages.get(stageName);
    if (stage === undefined || stage.kind !== 'rest') return { kind: 'unknown-stage', apiId, stageName, path, rawQuery };
    return { kind: 'stage', stage, path, rawQuery, defaultEndpoint: true };
  }

  hasApi(apiId: string): boolean {
    return this.#apis.has(apiId);
  }

  /** A REST stage (TestInvokeMethod's). */
  stage(apiId: string, stageName: string): CompiledStage | undefined {
    const stage = this.#apis.get(apiId)?.stages.get(stageName);
    return stage?.kind === 'rest' ? stage : undefined;
  }

  /** A stage of either kind (a failed compile keeps it). */
  anyStage(apiId: string, stageName: string): AnyCompiledStage | undefined {
    return this.#apis.get(apiId)?.stages.get(stageName);
  }

  /** Every compiled stage, for pruning compiled deployments. */
  *stages(): Iterable<AnyCompiledStage> {
    for (const entry of this.#apis.values()) yield* entry.stages.values();
  }

  /** A copy where the API exists (its stages kept). */
  withApi(apiId: string, kind: ApiKind = 'rest'): ResolutionSnapshot {
    // An id names one API (the control plane refuses a taken one): an entry is never replaced by another kind's.
    if (this.#apis.has(apiId)) return this;
    return new ResolutionSnapshot(new Map(this.#apis).set(apiId, { kind, stages: NO_STAGES }));
  }

  withoutApi(apiId: string): ResolutionSnapshot {
    if (!this.#apis.has(apiId)) return this;
    const apis = new Map(this.#apis);
    apis.delete(apiId);
    return new ResolutionSnapshot(apis);
  }

  /** A copy with the stage replaced (or removed, `compiled` undefined); the API is known either way. */
  withStage(apiId: string, stageName: string, compiled: AnyCompiledStage | undefined): ResolutionSnapshot {
    const entry = this.#apis.get(apiId);
    if (compiled === undefined && entry?.stages.has(stageName) !== true) return this;
    const stages = new Map(entry?.stages ?? NO_STAGES);
    if (compiled === undefined) stages.delete(stageName);
    else stages.set(stageName, compiled);
    return new ResolutionSnapshot(new Map(this.#apis).set(apiId, { kind: entry?.kind ?? compiled?.kind ?? 'rest', stages }));
  }
}

/** HTTP APIs' rule: a first segment naming a stage picks it, else `$default` takes the whole path. */
function resolveHttp(entry: ApiEntry, address: ExecuteApiAddress): InvokeTarget {
  const { apiId, stageName, path, apiPath, rawQuery } = address;
  const rawPath = apiPath === '' ? '/' : apiPath;
  const named = stageName === undefined || stageName === DEFAULT_KEY ? undefined : entry.stages.get(stageName);
  if (named?.kind === 'http') return { kind: 'http-stage', stage: named, path, rawPath, rawQuery, defaultEndpoint: true };
  const fallback = entry.stages.get(DEFAULT_KEY);
  if (fallback?.kind === 'http') return { kind: 'http-stage', stage: fallback, path: rawPath, rawPath, rawQuery, defaultEndpoint: true };
  return { kind: 'http-not-found', apiId, stageName, path, rawQuery };
}
