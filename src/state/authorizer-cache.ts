// The authorizer-result cache (https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html,
// "Authorization caching"): a Lambda authorizer's answer kept for its TTL under the key its identity
// sources make, so a cached caller costs a map lookup, not a function call. Each process keeps the
// decoded entries it has seen (a parsed policy is not parsed again per request); the Redis backend
// also shares the text, so one call serves every process. A cache that fails is a miss, never a
// refused request: the authorizer is simply called.
import type { Awaitable } from '../store/config-store.js';

export interface AuthorizerCache {
  /** The entry under `key` while it lives, decoded with `decode` when this process has not seen it yet. */
  get<T>(key: string, decode: (text: string) => T): Awaitable<T | undefined>;
  /** Keeps `value` (and its text, for other processes) under `key` for `ttlMs`. */
  set<T>(key: string, value: T, text: string, ttlMs: number): void;
}

/** At most this many entries per process; the expired ones go first, then the oldest. */
export const MAX_LOCAL_ENTRIES = 10_000;

interface Entry {
  readonly value: unknown;
  readonly expiresAt: number;
}

/** What one process holds: decoded entries until they expire, at most MAX_LOCAL_ENTRIES. */
export class LocalEntries {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly now: () => number) {}

  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.value as T;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: unknown, expiresAt: number): void {
    if (this.#entries.size >= MAX_LOCAL_ENTRIES && !this.#entries.has(key)) this.#makeRoom();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops the expired entries, then the oldest (a Map iterates in insertion order) down to 90 %. */
  #makeRoom(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < MAX_LOCAL_ENTRIES * 0.9) break;
      this.#entries.delete(key);
    }
  }
}
