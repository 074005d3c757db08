// The authorizer-result cache shared through Redis (see authorizer-cache.ts): an entry is written
// once with its expiry (`SET … PX`) and read by any process that misses it locally, then kept there
// decoded until the same instant. The text carries its absolute expiry (`{expiresAt}\n{text}`), so
// a process that reads it late does not keep it longer than the one that wrote it. A failing Redis
// is a miss (the authorizer is called) and a write that fails is dropped.
import { LocalEntries, type AuthorizerCache } from './authorizer-cache.js';
import type { RedisConnection } from './redis-connection.js';

export class RedisAuthorizerCache implements AuthorizerCache {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #entries: LocalEntries;

  constructor(redis: RedisConnection, keyPrefix: string, now: () => number = Date.now) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}authorizer:`;
    this.#entries = new LocalEntries(now);
  }

  get<T>(key: string, decode: (text: string) => T): T | undefined | Promise<T | undefined> {
    const local = this.#entries.get<T>(key);
    if (local !== undefined) return local;
    return this.#redis.required(() => this.#redis.client.get(this.#prefix + key)).then((stored) => {
      if (stored === null) return undefined;
      const newline = stored.indexOf('\n');
      const expiresAt = Number(stored.slice(0, newline));
      if (newline === -1 || !(expiresAt > this.#entries.now())) return undefined;
      const value = decode(stored.slice(newline + 1));
      this.#entries.set(key, value, expiresAt);
      return value;
    }).catch(() => undefined);
  }

  set<T>(key: string, value: T, text: string, ttlMs: number): void {
    const expiresAt = this.#entries.now() + ttlMs;
    this.#entries.set(key, value, expiresAt);
    this.#redis.required(() => this.#redis.client.set(this.#prefix + key, `${expiresAt}\n${text}`, 'PX', ttlMs)).catch(() => {});
  }
}
