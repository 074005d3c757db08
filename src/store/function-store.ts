// Where Lambda functions live: one document per function (FunctionDefinition) and the code
// zips, content-addressed by SHA-256 so versions that share code share one blob. Part of the
// ConfigStore (store.functions); SQLite implements it in sqlite/sqlite-function-store.ts.
import type { FunctionDefinition } from '../functions/model.js';
import type { Awaitable } from './config-store.js';

export interface FunctionStore {
  listFunctions(): Awaitable<FunctionDefinition[]>;
  getFunction(name: string): Awaitable<FunctionDefinition | undefined>;
  /** Inserts a new function; false when the name is taken. */
  createFunction(definition: FunctionDefinition): Awaitable<boolean>;
  /** Atomic read-modify-write; undefined (nothing written) when the function does not exist. */
  updateFunction<T>(name: string, mutate: (definition: FunctionDefinition) => T): Awaitable<{ result: T } | undefined>;
  deleteFunction(name: string): Awaitable<boolean>;

  /** Stores a code zip under its hex SHA-256 (a no-op when present). */
  putCode(sha256Hex: string, zip: Buffer): Awaitable<void>;
  getCode(sha256Hex: string): Awaitable<Buffer | undefined>;
  /** Removes code blobs no function version references any more. */
  pruneCode(): Awaitable<void>;
}
