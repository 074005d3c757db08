// Token-bucket throttling, the algorithm behind API Gateway's usage-plan, stage/method and account
// throttles: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
//
// AWS's shapes (https://docs.aws.amazon.com/apigateway/latest/api/API_ThrottleSettings.html):
// `burstLimit` is an Integer and `rateLimit` a Double, so fractional rates such as 0.1 rps are
// valid and used as given. Whether AWS rounds either value, or raises a burst below the rate, is not
// documented on those pages: unverified, so Archway applies both exactly as given.
import type { Awaitable } from '../store/config-store.js';

/**
 * A bucket left alone this long is forgotten, in memory and in Redis, even if it has not refilled
 * (`rate` 0): the bound on state that would otherwise grow with every key ever seen.
 */
export const MAX_BUCKET_IDLE_MS = 86_400_000;

/** One bucket's settings: capacity `burst` tokens, refilled at `rate` tokens per second. */
export interface TokenBucketLimits {
  readonly rate: number;
  readonly burst: number;
}

/**
 * A token bucket per key (an API key's plan, a stage's method, the account). A bucket starts full;
 * each allowed request takes one token. `burst` 0 refuses everything; `rate` 0 with a burst allows
 * the burst, then nothing. Synchronous when the answer is local (always, in memory).
 *
 * When the shared state is failing: `true` under `failure: 'open'`; under `'closed'` the call
 * throws (or rejects with) `StateUnavailableError`.
 */
export interface RateLimiter {
  take(key: string, limits: TokenBucketLimits): Awaitable<boolean>;
}
