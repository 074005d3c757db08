// What the metering steps share: the API keys and usage plans (from the store's feed), the token
// buckets and quota counters (memory or Redis, src/state/), and the account-wide throttle.
import type { QuotaCounter, RateLimiter, TokenBucketLimits } from '../../state/index.js';
import type { MeteredKey } from './usage-plans-table.js';

export interface Metering {
  /** The key whose value a caller sent, with the plans that cover its API stages. */
  readonly usagePlans: { keyOf(value: string): MeteredKey | undefined };
  readonly rateLimiter: RateLimiter;
  readonly quotaCounter: QuotaCounter;
  /** `--account-rate-limit` / `--account-burst-limit`: every request of every API. */
  readonly account: TokenBucketLimits;
}

/** The quota counter of an API key in a usage plan (the data plane counts, GetUsage reads). */
export const counterName = (planId: string, keyId: string): string => `quota:${planId}:${keyId}`;

/** The plan-wide token bucket of an API key in a usage plan; a per-method one appends `:{method}`. */
export const bucketName = (planId: string, keyId: string): string => `plan:${planId}:${keyId}`;
