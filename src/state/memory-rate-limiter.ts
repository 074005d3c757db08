// Token-bucket throttling in one process's memory (the default backend):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
import { MAX_BUCKET_IDLE_MS, type RateLimiter, type TokenBucketLimits } from './rate-limiter.js';
import { SweptMap } from './swept-map.js';

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
  burst: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #now: () => number;
  // A bucket that has refilled to its burst is the same as no bucket, so it can go.
  readonly #buckets = new SweptMap<Bucket>((b, now) => refilled(b, now) >= b.burst || now - b.at >= MAX_BUCKET_IDLE_MS);

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  take(key: string, { rate, burst }: TokenBucketLimits): boolean {
    if (!(burst >= 1)) return false;
    const now = this.#now();
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      this.#buckets.insert(key, { tokens: burst - 1, at: now, rate, burst }, now);
      return true;
    }
    bucket.rate = rate;
    bucket.burst = burst;
    bucket.tokens = Math.min(burst, refilled(bucket, now));
    bucket.at = Math.max(bucket.at, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function refilled(bucket: Bucket, now: number): number {
  return now > bucket.at ? bucket.tokens + ((now - bucket.at) * bucket.rate) / 1000 : bucket.tokens;
}
