// The functions Archway knows: the ones created through the `lambda` API (kept in the store)
// and the ones `--functions` declares (in memory). Reads come from an in-memory copy so the
// data plane resolves a function without touching the store. The copy follows the store's
// change feed (a `function` change re-reads that function), whoever wrote it; the registry's
// own writes wait for the feed to catch up before they return, and every change is passed on to
// the runtime (subscribers).
import { randomUUID } from 'node:crypto';
import type { Awaitable, ChangeFeed, ConfigChange } from '../store/config-store.js';
import type { FunctionStore } from '../store/function-store.js';
import { ChangeFollower } from '../sync/change-follower.js';
import { parseFunctionName } from './arn.js';
import { functionNotFound, invalidParameter, resourceConflict, resourceNotFound, validationError } from './errors.js';
import { functionArn, LATEST, type FunctionDefinition, type FunctionVersionRecord } from './model.js';

export interface ResolvedFunction {
  definition: FunctionDefinition;
  version: FunctionVersionRecord;
  /** `$LATEST`, a version number, or an alias name, as asked. */
  qualifier: string | undefined;
  /** The ARN the caller used, qualified when they qualified it. */
  invokedArn: string;
}

export type FunctionChangeListener = (name: string) => void;

const QUALIFIER = /^(|[a-zA-Z0-9$_-]+)$/;

export class FunctionRegistry {
  readonly #store: FunctionStore;
  readonly #region: string;
  readonly #accountId: string;
  readonly #functions = new Map<string, FunctionDefinition>();
  readonly #listeners = new Set<FunctionChangeListener>();
  readonly #locators = new Map<string, { name: string; qualifier: string | undefined }>();
  readonly #follower: ChangeFollower;
  /** Latest re-read per function: an older async read never overwrites a newer one. */
  readonly #reads = new Map<string, number>();

  constructor(store: FunctionStore, feed: ChangeFeed, region: string, accountId: string) {
    this.#store = store;
    this.#region = region;
    this.#accountId = accountId;
    const log = { error: (details: object, message: string) => console.error(`[functions] ${message}`, details) };
    this.#follower = new ChangeFollower(feed, { apply: (change) => this.#apply(change), reload: () => this.#reload() }, log);
  }

  get region(): string {
    return this.#region;
  }

  get accountId(): string {
    return this.#accountId;
  }

  /** Reads every stored function, then follows the change feed. */
  load(): Promise<void> {
    return this.#follower.start();
  }

  close(): void {
    this.#follower.stop();
  }

  /** Applies every change committed since the last one seen (the registry's own writes wait for it). */
  catchUp(): Promise<void> {
    return this.#follower.catchUp();
  }

  async #reload(): Promise<void> {
    const stored = await this.#store.listFunctions();
    const changed = new Set<string>();
    for (const [name, definition] of this.#functions) {
      if (definition.declared) continue;
      this.#functions.delete(name);
      changed.add(name);
    }
    for (const definition of stored) {
      if (this.#functions.get(definition.name)?.declared) continue;
      this.#functions.set(definition.name, definition);
      changed.add(definition.name);
    }
    for (const name of changed) this.#changed(name);
  }

  #apply(change: ConfigChange): Awaitable<void> {
    if (change.kind !== 'function') return;
    const name = change.functionName;
    const read = (this.#reads.get(name) ?? 0) + 1;
    this.#reads.set(name, read);
    const settle = (stored: FunctionDefinition | undefined) => {
      if (this.#reads.get(name) !== read) return;
      this.#reads.delete(name);
      if (this.#functions.get(name)?.declared) return;
      if (stored === undefined) this.#functions.delete(name);
      else this.#functions.set(name, stored);
      this.#changed(name);
    };
    const stored = this.#store.getFunction(name);
    if (stored instanceof Promise) return stored.then(settle);
    settle(stored);
  }

  subscribe(listener: FunctionChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  arn(name: string, qualifier?: string): string {
    return functionArn(this.#region, this.#accountId, name, qualifier);
  }

  get(name: string): FunctionDefinition | undefined {
    return this.#functions.get(name);
  }

  list(): FunctionDefinition[] {
    return [...this.#functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Splits a FunctionName parameter (name, partial or full ARN) and a Qualifier parameter into
   * a name and qualifier, with Lambda's checks (ValidationException texts as the API model states
   * the pattern; the conflict message is LocalStack's, recorded against AWS).
   */
  locate(functionName: string, qualifier?: string): { name: string; qualifier: string | undefined } {
    const cacheKey = qualifier === undefined ? functionName : `${functionName}\u0000${qualifier}`;
    const cached = this.#locators.get(cacheKey);
    if (cached !== undefined) return cached;
    const parsed = parseFunctionName(functionName);
    if (parsed === undefined) {
      throw validationError(`1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
    }
    if (qualifier !== undefined && !QUALIFIER.test(qualifier)) {
      throw validationError(`1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`);
    }
    if (parsed.qualifier !== undefined && qualifier !== undefined && qualifier !== parsed.qualifier) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
    }
    if (parsed.region !== undefined && parsed.region !== this.#region) {
      throw resourceNotFound(`Functions from '${parsed.region}' are not reachable in this region ('${this.#region}')`);
    }
    const located = { name: parsed.name, qualifier: parsed.qualifier ?? (qualifier === '' ? undefined : qualifier) };
    if (this.#locators.size > 10_000) this.#locators.clear();
    this.#locators.set(cacheKey, located);
    return located;
  }

  /** The version a (possibly qualified) name runs: $LATEST, a published version, or an alias's version. */
  resolve(functionName: string, qualifierParameter?: string): ResolvedFunction {
    const { name, qualifier } = this.locate(functionName, qualifierParameter);
    const definition = this.#functions.get(name);
    if (definition === undefined) throw functionNotFound(this.arn(name, qualifier));
    return { definition, version: this.versionOf(definition, qualifier), qualifier, invokedArn: this.arn(name, qualifier) };
  }

  /** The version record for a qualifier of a known function (aliases followed). */
  versionOf(definition: FunctionDefinition, qualifier: string | undefined): FunctionVersionRecord {
    if (qualifier === undefined || qualifier === LATEST) return definition.latest;
    const published = definition.versions[qualifier];
    if (published !== undefined) return published;
    const alias = definition.aliases[qualifier];
    if (alias !== undefined) {
      return alias.FunctionVersion === LATEST ? definition.latest : definition.versions[alias.FunctionVersion];
    }
    const arn = this.arn(definition.name, qualifier);
    // LocalStack (from AWS): an unknown alias-shaped qualifier → "Cannot find alias arn".
    if (/^\d+$/.test(qualifier)) throw functionNotFound(arn);
    throw resourceNotFound(`Cannot find alias arn: ${arn}`);
  }

  /** A function that must exist, for the control plane (declared ones are read-only). */
  require(name: string): FunctionDefinition {
    const definition = this.#functions.get(name);
    if (definition === undefined) throw functionNotFound(this.arn(name));
    return definition;
  }

  async create(definition: FunctionDefinition): Promise<void> {
    if (this.#functions.has(definition.name) || !(await this.#store.createFunction(definition))) {
      // LocalStack's message, recorded against AWS.
      throw resourceConflict(`Function already exist: ${definition.name}`);
    }
    await this.catchUp();
  }

  /** Read-modify-write of a stored function; throws what `mutate` throws and writes nothing then. */
  async update<T>(name: string, mutate: (definition: FunctionDefinition) => T): Promise<T> {
    const current = this.#functions.get(name);
    if (current?.declared) throw declaredReadOnly(name);
    const outcome = await this.#store.updateFunction(name, mutate);
    if (outcome === undefined) throw functionNotFound(this.arn(name));
    await this.catchUp();
    return outcome.result;
  }

  async delete(name: string): Promise<void> {
    const current = this.#functions.get(name);
    if (current?.declared) throw declaredReadOnly(name);
    if (!(await this.#store.deleteFunction(name))) throw functionNotFound(this.arn(name));
    await this.#store.pruneCode();
    await this.catchUp();
  }

  /** `--functions`: adds or replaces a declared (in-memory) function. */
  declare(definition: FunctionDefinition): void {
    const existing = this.#functions.get(definition.name);
    if (existing !== undefined && !existing.declared) {
      throw resourceConflict(`Function already exist: ${definition.name} (created through the API; --functions cannot replace it)`);
    }
    this.#functions.set(definition.name, { ...definition, declared: true });
    this.#changed(definition.name);
  }

  undeclare(name: string): void {
    if (this.#functions.get(name)?.declared) {
      this.#functions.delete(name);
      this.#changed(name);
    }
  }

  #changed(name: string): void {
    for (const listener of this.#listeners) listener(name);
  }
}

export const newRevisionId = (): string => randomUUID();

function declaredReadOnly(name: string) {
  return resourceConflict(`The function ${name} is declared by --functions; change its folder or YAML file instead.`);
}
