// The authorizer-result cache in one process's memory (the default backend; see authorizer-cache.ts).
import { LocalEntries, type AuthorizerCache } from './authorizer-cache.js';

export class MemoryAuthorizerCache implements AuthorizerCache {
  readonly #entries: LocalEntries;

  constructor(now: () => number = Date.now) {
    this.#entries = new LocalEntries(now);
  }

  get<T>(key: string): T | undefined {
    return this.#entries.get<T>(key);
  }

  set<T>(key: string, value: T, _text: string, ttlMs: number): void {
    this.#entries.set(key, value, this.#entries.now() + ttlMs);
  }
}
