// Token-bucket throttling shared by every process on one Redis:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
//
// The bucket lives in Redis; a process leases a few tokens at a time (one Lua call) and spends them
// locally without a round trip, for at most LEASE_MS, then gives back what is left with its next
// lease. Tokens only ever come out of the one bucket, so processes together never admit more than
// it allows; a lease is small (about 10 ms of the rate, at most an eighth of the burst) so that
// tokens held by one process are seldom missed by another. When the bucket is dry, the process
// refuses locally until the next token is due instead of asking Redis per request.
//
// Time is the caller's clock (`now`, ms), passed into the script, not Redis's TIME: tests drive a
// fake clock through both backends, and processes sharing a Redis are expected to share a clock
// (NTP); the script never moves a bucket's time backwards, so skew only delays a refill.
import { MAX_BUCKET_IDLE_MS, type RateLimiter, type TokenBucketLimits } from './rate-limiter.js';
import type { RedisConnection, ScriptCall } from './redis-connection.js';
import { SweptMap } from './swept-map.js';

/** How long a process may hold leased tokens before giving them back. */
const LEASE_MS = 100;
/** A lease asks for this many seconds' worth of the rate… */
const LEASE_RATE_SECONDS = 0.01;
/** …and at most this fraction of the burst. */
const LEASE_BURST_SHARE = 1 / 8;
/** A dry bucket is asked again at least this often (its settings may change, others give back). */
const MAX_DRY_MS = 1_000;

// KEYS[1] the bucket (hash: t tokens, ts ms). ARGV: rate, burst, now, want, giveBack, ttl.
// Answers {granted, tokens left as a string} (a Lua number would be truncated to an integer).
const LEASE_LUA = `
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local want, giveBack = tonumber(ARGV[4]), tonumber(ARGV[5])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens, ts = tonumber(b[1]), tonumber(b[2])
if tokens == nil then tokens, ts = burst, now end
if now > ts then tokens, ts = tokens + (now - ts) * rate / 1000, now end
tokens = math.min(burst, tokens + giveBack)
local granted = math.max(0, math.min(want, math.floor(tokens)))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return {granted, tostring(tokens)}
`;

interface Lease {
  tokens: number;
  expiresAt: number;
  dryUntil: number;
  pending: Promise<boolean> | undefined;
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #lease: ScriptCall;
  readonly #leases = new SweptMap<Lease>((l, now) => l.pending === undefined && now >= l.expiresAt && now >= l.dryUntil);

  constructor(redis: RedisConnection, keyPrefix: string, now: () => number = Date.now) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}bucket:`;
    this.#now = now;
    this.#lease = redis.script('archwayBucketLease', 1, LEASE_LUA);
  }

  take(key: string, limits: TokenBucketLimits): boolean | Promise<boolean> {
    if (!(limits.burst >= 1)) return false;
    const lease = this.#leases.get(key);
    if (lease !== undefined && lease.pending === undefined) {
      const answer = serve(lease, this.#now());
      if (answer !== undefined) return answer;
    }
    return this.#take(key, limits);
  }

  async #take(key: string, limits: TokenBucketLimits): Promise<boolean> {
    // Twice at most: a refill another caller started may be spent before this one's turn.
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = this.#leases.get(key);
      const ok = await (lease?.pending ?? this.#refill(key, limits, lease));
      if (!ok) return true; // Redis failing, policy open
      // A grant Redis has just made stands even when the round trip outlasted LEASE_MS
      // (serving only unexpired leases here would ask Redis again and again).
      const fresh = this.#leases.get(key);
      if (fresh !== undefined && fresh.tokens >= 1) {
        fresh.tokens -= 1;
        return true;
      }
      if (fresh !== undefined && this.#now() < fresh.dryUntil) return false;
    }
    return false;
  }

  /** Leases tokens for `key`, giving back what an expired lease has left; false when Redis is failing (policy open). */
  #refill(key: string, { rate, burst }: TokenBucketLimits, old: Lease | undefined): Promise<boolean> {
    const now = this.#now();
    const lease = old ?? this.#leases.insert(key, { tokens: 0, expiresAt: 0, dryUntil: 0, pending: undefined }, now);
    const giveBack = lease.tokens;
    lease.tokens = 0;
    const want = Math.max(1, Math.min(Math.ceil(rate * LEASE_RATE_SECONDS), Math.floor(burst * LEASE_BURST_SHARE)));
    const ttl = rate > 0 ? Math.min(MAX_BUCKET_IDLE_MS, Math.ceil((burst / rate) * 1000) + 1_000) : MAX_BUCKET_IDLE_MS;
    const pending = this.#redis
      .run(() => this.#lease([this.#prefix + key], [rate, burst, now, want, giveBack, ttl]) as Promise<[number, string]>)
      .then((answer) => {
        if (answer === undefined) return false;
        const [granted, left] = answer;
        lease.tokens = granted;
        lease.expiresAt = now + LEASE_MS;
        // Rounded down (asking a little early costs a round trip; late would refuse a due token), at least 1 ms.
        const nextToken = rate > 0 ? Math.floor(((1 - Number(left)) * 1000) / rate) : MAX_DRY_MS;
        lease.dryUntil = granted < want ? now + Math.max(1, Math.min(MAX_DRY_MS, nextToken)) : 0;
        return true;
      })
      .finally(() => {
        lease.pending = undefined;
      });
    lease.pending = pending;
    return pending;
  }
}

/** Answers from the lease when it can: a token (true), a dry bucket (false), or undefined (ask Redis). */
function serve(lease: Lease | undefined, now: number): boolean | undefined {
  if (lease === undefined) return undefined;
  if (lease.tokens >= 1 && now < lease.expiresAt) {
    lease.tokens -= 1;
    return true;
  }
  return lease.tokens < 1 && now < lease.dryUntil ? false : undefined;
}
