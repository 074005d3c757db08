// Usage-plan quotas shared by every process on one Redis, exact across them:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
//
// A period's count lives in Redis (hash `used`, `gen`, expiring after the period). A process leases
// a few units at a time (one Lua call: a sixteenth of what is left, at most MAX_LEASE), counting
// them as used at once, and serves them locally; units left after LEASE_MS go back with its next
// lease (or within GIVE_BACK_INTERVAL_MS when no request comes), and all of them on close(). So the total never exceeds the limit. What a process holds
// when it dies stays counted until the period ends (at most MAX_LEASE per key): a bounded leak,
// never an over-admission. A process that finds the period used up refuses locally for
// EXHAUSTED_RECHECK_MS before asking again (others may give units back).
//
// Daily usage for GetUsage is a counter per key and UTC day (leased units counted when leased,
// taken off when given back), expiring after USAGE_RETENTION_DAYS. remaining() and usage() do not
// count the units this process holds unspent; other processes' unspent units count as used. UpdateUsage's setRemaining
// bumps the period's `gen`, so leases from before it are not given back into the new count; units
// other processes still hold are served (at most MAX_LEASE each) — a known, bounded overshoot.
// Time is the caller's clock, as in redis-rate-limiter.ts.
import type { DailyUsage, QuotaCounter, QuotaResult } from './quota-counter.js';
import { datesBetween, quotaWindow, RETENTION_MS, utcDate, windowLimit, type QuotaSettings } from './quota-window.js';
import type { RedisConnection, ScriptCall } from './redis-connection.js';
import { SweptMap } from './swept-map.js';

const LEASE_MS = 1_000;
/** How often units of leases idle past LEASE_MS go back (keys no request has asked for since). */
const GIVE_BACK_INTERVAL_MS = 5_000;
const MAX_LEASE = 100;
const EXHAUSTED_RECHECK_MS = 1_000;
/** A period's count outlives the period by this much (clock skew between processes). */
const PERIOD_GRACE_MS = 60_000;
const DAY_MS = 86_400_000;

// KEYS: [1] the period's hash, [2] today's usage, [3] and [4] the same for the lease given back.
// ARGV: limit, largest lease, period TTL, units given back, their period's gen, usage TTL.
// Answers {granted, left after the grant, gen}.
const LEASE_LUA = `
local giveBack = tonumber(ARGV[4])
if giveBack > 0 then
  if redis.call('HGET', KEYS[3], 'gen') == ARGV[5] then redis.call('HINCRBY', KEYS[3], 'used', -giveBack) end
  if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('DECRBY', KEYS[4], giveBack) end
end
local p = redis.call('HMGET', KEYS[1], 'used', 'gen')
local used, gen = tonumber(p[1]) or 0, p[2] or '0'
local left = tonumber(ARGV[1]) - used
local granted = 0
if left > 0 then granted = math.min(tonumber(ARGV[2]), math.ceil(left / 16)) end
redis.call('HSET', KEYS[1], 'used', used + granted, 'gen', gen)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if granted > 0 then
  redis.call('INCRBY', KEYS[2], granted)
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return {granted, left - granted, gen}
`;

// KEYS[1] the period's hash. ARGV: used, period TTL.
const SET_USED_LUA = `
redis.call('HSET', KEYS[1], 'used', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;

interface Lease {
  start: number;
  end: number;
  periodKey: string;
  dayKey: string;
  gen: string;
  units: number;
  /** Left in Redis after this lease's grant. */
  left: number;
  leasedAt: number;
  exhaustedUntil: number;
  pending: Promise<boolean> | undefined;
}

export class RedisQuotaCounter implements QuotaCounter {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #lease: ScriptCall;
  readonly #setUsed: ScriptCall;
  readonly #sweepTimer: NodeJS.Timeout;
  readonly #leases = new SweptMap<Lease>((l, now) => l.pending === undefined && l.units === 0 && now >= l.exhaustedUntil);

  constructor(redis: RedisConnection, keyPrefix: string, now: () => number = Date.now) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.#now = now;
    this.#lease = redis.script('archwayQuotaLease', 4, LEASE_LUA);
    this.#setUsed = redis.script('archwayQuotaSetUsed', 1, SET_USED_LUA);
    this.#sweepTimer = setInterval(() => void this.#giveBack((l, at) => at - l.leasedAt >= LEASE_MS), GIVE_BACK_INTERVAL_MS).unref();
  }

  consume(key: string, settings: QuotaSettings): QuotaResult | Promise<QuotaResult> {
    const lease = this.#leases.get(key);
    if (lease !== undefined && lease.pending === undefined) {
      const answer = serve(lease, this.#now());
      if (answer !== undefined) return answer;
    }
    return this.#consume(key, settings);
  }

  async remaining(key: string, settings: QuotaSettings): Promise<number> {
    const now = this.#now();
    const window = quotaWindow(settings.period, now);
    const used = await this.#redis.required(() => this.#redis.client.hget(this.#periodKey(key, window.start), 'used'));
    const lease = this.#leases.get(key);
    const held = lease !== undefined && lease.start === window.start ? lease.units : 0;
    return Math.max(0, windowLimit(settings, window) - Number(used ?? 0) + held);
  }

  async usage(key: string, startDate: string, endDate: string): Promise<DailyUsage[]> {
    const dates = datesBetween(startDate, endDate);
    const counts = await this.#redis.required(() => this.#redis.client.mget(dates.map((date) => this.#dayKey(key, date))));
    const lease = this.#leases.get(key);
    return dates.map((date, i) => {
      const held = lease !== undefined && lease.dayKey === this.#dayKey(key, date) ? lease.units : 0;
      return { date, used: Number(counts[i] ?? 0) - held };
    });
  }

  async setRemaining(key: string, settings: QuotaSettings, remaining: number): Promise<void> {
    const now = this.#now();
    const window = quotaWindow(settings.period, now);
    // Units this process holds are forfeited: the new count starts from what the caller set.
    this.#leases.delete(key);
    const used = windowLimit(settings, window) - remaining;
    await this.#redis.required(() => this.#setUsed([this.#periodKey(key, window.start)], [used, window.end - now + PERIOD_GRACE_MS]));
  }

  /** Gives back every unit this process holds (best effort: a failing Redis keeps them counted until their period ends). */
  async close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    await this.#giveBack(() => true);
  }

  /** Gives back the units of the leases `which` picks, and forgets them. */
  async #giveBack(which: (lease: Lease, now: number) => boolean): Promise<void> {
    const now = this.#now();
    const giving: Promise<unknown>[] = [];
    for (const [key, lease] of this.#leases) {
      if (lease.pending !== undefined || !which(lease, now)) continue;
      this.#leases.delete(key);
      if (lease.units === 0 || now >= lease.end) continue;
      // A lease of nothing: the give-back part of the lease script alone.
      const keys = [lease.periodKey, lease.dayKey, lease.periodKey, lease.dayKey];
      const args = [0, 0, lease.end - now + PERIOD_GRACE_MS, lease.units, lease.gen, 1];
      giving.push(this.#redis.run(() => this.#lease(keys, args)).catch(() => undefined));
    }
    await Promise.all(giving);
  }

  async #consume(key: string, settings: QuotaSettings): Promise<QuotaResult> {
    for (;;) {
      const lease = this.#leases.get(key);
      const ok = await (lease?.pending ?? this.#refill(key, settings, lease));
      if (!ok) return { allowed: true, remaining: null }; // Redis failing, policy open
      const answer = serve(this.#leases.get(key), this.#now());
      if (answer !== undefined) return answer;
    }
  }

  /** Leases units of the current period, giving back what the previous lease has left; false when Redis is failing (policy open). */
  #refill(key: string, settings: QuotaSettings, old: Lease | undefined): Promise<boolean> {
    const now = this.#now();
    const window = quotaWindow(settings.period, now);
    const periodKey = this.#periodKey(key, window.start);
    const dayKey = this.#dayKey(key, utcDate(now));
    const dayTtl = Math.floor(now / DAY_MS) * DAY_MS + RETENTION_MS - now;
    const keys = [periodKey, dayKey, old?.periodKey ?? periodKey, old?.dayKey ?? dayKey];
    const args = [windowLimit(settings, window), MAX_LEASE, window.end - now + PERIOD_GRACE_MS, old?.units ?? 0, old?.gen ?? '', dayTtl];
    const lease: Lease = old ?? this.#leases.insert(key, { ...window, periodKey, dayKey, gen: '', units: 0, left: 0, leasedAt: 0, exhaustedUntil: 0, pending: undefined }, now);
    lease.units = 0;
    const pending = this.#redis
      .run(() => this.#lease(keys, args) as Promise<[number, number, string]>)
      .then((answer) => {
        if (answer === undefined) return false;
        const [granted, left, gen] = answer;
        Object.assign(lease, { ...window, periodKey, dayKey, gen, units: granted, left: Math.max(0, left), leasedAt: now });
        lease.exhaustedUntil = granted === 0 ? now + EXHAUSTED_RECHECK_MS : 0;
        return true;
      })
      .finally(() => {
        lease.pending = undefined;
      });
    lease.pending = pending;
    return pending;
  }

  #periodKey(key: string, start: number): string {
    return `${this.#prefix}quota:${key}:${start}`;
  }

  #dayKey(key: string, date: string): string {
    return `${this.#prefix}usage:${key}:${date}`;
  }
}

/** Answers from the lease when it can: a unit (allowed), a used-up period (refused), or undefined (ask Redis). */
function serve(lease: Lease | undefined, now: number): QuotaResult | undefined {
  if (lease === undefined || now < lease.start || now >= lease.end) return undefined;
  if (lease.units > 0 && now - lease.leasedAt < LEASE_MS) {
    lease.units -= 1;
    return { allowed: true, remaining: lease.left + lease.units };
  }
  return lease.units === 0 && now < lease.exhaustedUntil ? { allowed: false, remaining: 0 } : undefined;
}
