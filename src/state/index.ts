// The shared state of the data plane, one small interface per kind, each with a memory backend
// (the default: one process) and a Redis one (several processes, `--redis URL`). Metering today:
// RateLimiter and QuotaCounter; Lambda authorizers: AuthorizerCache. Later kinds (response cache,
// WebSocket connection registry) are more members of StateBackends, each its own `<kind>.ts`,
// `memory-<kind>.ts` and `redis-<kind>.ts` over the same RedisConnection.
import type { Logger } from '../observability/logger.js';
import { MemoryQuotaCounter } from './memory-quota-counter.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { QuotaCounter } from './quota-counter.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AuthorizerCache } from './authorizer-cache.js';
import { MemoryAuthorizerCache } from './memory-authorizer-cache.js';
import { RedisAuthorizerCache } from './redis-authorizer-cache.js';
import { RedisConnection, type FailurePolicy } from './redis-connection.js';
import { RedisQuotaCounter } from './redis-quota-counter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

export type { DailyUsage, QuotaCounter, QuotaPeriod, QuotaResult, QuotaSettings } from './quota-counter.js';
export type { RateLimiter, TokenBucketLimits } from './rate-limiter.js';
export type { AuthorizerCache } from './authorizer-cache.js';
export type { FailurePolicy } from './redis-connection.js';
export { StateUnavailableError } from './state-unavailable-error.js';

export interface StateOptions {
  /** Redis to share state through (`redis://host:port/db`); without it, each process keeps its own in memory. */
  readonly redisUrl?: string;
  /** What a call does while Redis is failing: `open` allows the request, `closed` throws StateUnavailableError. */
  readonly failure?: FailurePolicy;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  /** Prefix of every Redis key (default `archway:`): several Archway deployments, or test runs, on one Redis. */
  readonly keyPrefix?: string;
  /** The clock, in ms since the epoch (tests drive a fake one). */
  readonly now?: () => number;
}

export interface StateBackends {
  readonly rateLimiter: RateLimiter;
  readonly quotaCounter: QuotaCounter;
  readonly authorizerCache: AuthorizerCache;
  /** Gives back leased quota units and closes the connection. */
  close(): Promise<void>;
}

/** The memory backends, or the Redis ones once the first connection is up (or has failed: the first call then reports the outage). */
export async function createState({ redisUrl, failure = 'open', log, keyPrefix = 'archway:', now = Date.now }: StateOptions): Promise<StateBackends> {
  if (redisUrl === undefined) {
    return {
      rateLimiter: new MemoryRateLimiter(now),
      quotaCounter: new MemoryQuotaCounter(now),
      authorizerCache: new MemoryAuthorizerCache(now),
      close: async () => {},
    };
  }
  const redis = new RedisConnection({ url: redisUrl, failure, log });
  await redis.ready();
  const quotaCounter = new RedisQuotaCounter(redis, keyPrefix, now);
  return {
    rateLimiter: new RedisRateLimiter(redis, keyPrefix, now),
    quotaCounter,
    authorizerCache: new RedisAuthorizerCache(redis, keyPrefix, now),
    close: async () => {
      await quotaCounter.close();
      await redis.close();
    },
  };
}
