// The shared-state contract (src/state/): RateLimiter and QuotaCounter, run unchanged against the
// memory backend and the Redis one (a real Redis at 127.0.0.1:6379, keys under a prefix unique to
// this run, removed after). Time is a fake clock passed to createState, so nothing here depends
// on how fast the machine is. "Two processes" are two createState calls: on Redis two connections
// sharing the keys; in memory the same instance (one process has one memory).
import { describe, it, expect, afterEach, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createState, type QuotaSettings, type StateBackends, type TokenBucketLimits } from '../../src/state/index.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `archway-test:${process.pid}:${Date.now()}:`;
const silent = { warn: () => {}, info: () => {} };

interface Clock {
  at: number;
  readonly now: () => number;
}

interface Backend {
  name: string;
  /** Two processes sharing one state, on one fake clock. */
  open(clock: Clock): Promise<[StateBackends, StateBackends]>;
}

const opened: StateBackends[] = [];
afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    async open(clock) {
      const state = await createState({ log: silent, now: clock.now });
      opened.push(state);
      return [state, state];
    },
  },
  {
    name: 'Redis',
    async open(clock) {
      const states = await Promise.all([1, 2].map(() => createState({ redisUrl: REDIS_URL, log: silent, keyPrefix: PREFIX, now: clock.now })));
      opened.push(...states);
      return [states[0], states[1]];
    },
  },
];

/** Monday 5 January 2026, 12:00 UTC. */
const MONDAY_NOON = Date.UTC(2026, 0, 5, 12);
let keys = 0;
const uniqueKey = (): string => `key-${++keys}`;

function clockAt(at: number): Clock {
  const clock: Clock = { at, now: () => clock.at };
  return clock;
}

describe.each(BACKENDS)('shared state: $name', (backend) => {
  async function takes(state: StateBackends, key: string, limits: TokenBucketLimits, count: number): Promise<boolean[]> {
    const answers: boolean[] = [];
    for (let i = 0; i < count; i++) answers.push(await state.rateLimiter.take(key, limits));
    return answers;
  }

  /** Drives `rps` requests per second for `seconds`, round-robin over the processes; counts those allowed. */
  async function drive(clock: Clock, processes: StateBackends[], key: string, limits: TokenBucketLimits, rps: number, seconds: number): Promise<number> {
    let allowed = 0;
    const start = clock.at;
    for (let i = 0; i < rps * seconds; i++) {
      clock.at = start + (i * 1000) / rps;
      if (await processes[i % processes.length].rateLimiter.take(key, limits)) allowed++;
    }
    return allowed;
  }

  describe('RateLimiter', () => {
    it('starts full: the burst is allowed, then refused', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      expect(await takes(state, uniqueKey(), { rate: 1, burst: 5 }, 7)).toEqual([true, true, true, true, true, false, false]);
    });

    it('refills at the rate, up to the burst only', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      const limits = { rate: 2, burst: 3 };
      await takes(state, key, limits, 3);
      clock.at += 499;
      expect(await state.rateLimiter.take(key, limits)).toBe(false);
      clock.at += 1;
      expect(await takes(state, key, limits, 2)).toEqual([true, false]);
      clock.at += 60_000;
      expect(await takes(state, key, limits, 4)).toEqual([true, true, true, false]);
    });

    it('takes fractional rates as given', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      const limits = { rate: 0.5, burst: 1 };
      expect(await takes(state, key, limits, 2)).toEqual([true, false]);
      clock.at += 1_999;
      expect(await state.rateLimiter.take(key, limits)).toBe(false);
      clock.at += 1;
      expect(await state.rateLimiter.take(key, limits)).toBe(true);
    });

    it('refuses everything with burst 0', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      expect(await takes(state, uniqueKey(), { rate: 100, burst: 0 }, 3)).toEqual([false, false, false]);
    });

    it('with rate 0, allows the burst and then nothing', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      const limits = { rate: 0, burst: 2 };
      expect(await takes(state, key, limits, 3)).toEqual([true, true, false]);
      clock.at += 3_600_000;
      expect(await state.rateLimiter.take(key, limits)).toBe(false);
    });

    it('keeps one bucket per key', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const limits = { rate: 0, burst: 1 };
      const [a, b] = [uniqueKey(), uniqueKey()];
      expect(await takes(state, a, limits, 2)).toEqual([true, false]);
      expect(await takes(state, b, limits, 2)).toEqual([true, false]);
    });

    it('enforces one bucket across two processes', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [a, b] = await backend.open(clock);
      const key = uniqueKey();
      const limits = { rate: 0, burst: 10 };
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await (i % 2 === 0 ? a : b).rateLimiter.take(key, limits));
      expect(answers.filter(Boolean)).toHaveLength(10);
      expect(await takes(a, key, limits, 1)).toEqual([false]);
      expect(await takes(b, key, limits, 1)).toEqual([false]);
    });

    it('answers most calls without waiting (leased tokens are served synchronously)', async () => {
      const [state] = await backend.open(clockAt(MONDAY_NOON));
      const key = uniqueKey();
      let waited = 0;
      for (let i = 0; i < 1_000; i++) {
        const answer = state.rateLimiter.take(key, { rate: 10_000, burst: 5_000 });
        if (answer instanceof Promise) waited++;
        expect(await answer).toBe(true);
      }
      expect(waited).toBeLessThanOrEqual(20);
    });

    // 200 rps, burst 50, driven at 1 000 rps for 10 s: the bucket allows 50 + 200 × 10 = 2 050.
    const IDEAL = 50 + 200 * 10;
    it('admits within 5 % of the token bucket at 1 000 rps against 200 rps / burst 50, one process', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const allowed = await drive(clock, [state], uniqueKey(), { rate: 200, burst: 50 }, 1_000, 10);
      expect(Math.abs(allowed - IDEAL) / IDEAL).toBeLessThanOrEqual(0.05);
    });

    it('admits within 5 % of the token bucket at 1 000 rps against 200 rps / burst 50, two processes', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [a, b] = await backend.open(clock);
      const allowed = await drive(clock, [a, b], uniqueKey(), { rate: 200, burst: 50 }, 1_000, 10);
      expect(Math.abs(allowed - IDEAL) / IDEAL).toBeLessThanOrEqual(0.05);
    });
  });

  describe('QuotaCounter', () => {
    const daily = (limit: number): QuotaSettings => ({ limit, period: 'DAY' });

    async function consumeAll(state: StateBackends, key: string, settings: QuotaSettings, count: number) {
      const answers = [];
      for (let i = 0; i < count; i++) answers.push(await state.quotaCounter.consume(key, settings));
      return answers;
    }

    it('allows the limit, counting down what remains, then refuses', async () => {
      const [state] = await backend.open(clockAt(MONDAY_NOON));
      expect(await consumeAll(state, uniqueKey(), daily(3), 4)).toEqual([
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
        { allowed: false, remaining: 0 },
      ]);
    });

    it('starts a new DAY at 00:00 UTC', async () => {
      const clock = clockAt(Date.UTC(2026, 0, 5, 23, 59, 59, 999));
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      await consumeAll(state, key, daily(1), 1);
      expect((await state.quotaCounter.consume(key, daily(1))).allowed).toBe(false);
      clock.at += 1;
      expect((await state.quotaCounter.consume(key, daily(1))).allowed).toBe(true);
    });

    it('starts a new WEEK on Sunday 00:00 UTC', async () => {
      const weekly: QuotaSettings = { limit: 1, period: 'WEEK' };
      const clock = clockAt(Date.UTC(2026, 0, 10, 23, 59)); // Saturday
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      expect((await consumeAll(state, key, weekly, 2)).map((r) => r.allowed)).toEqual([true, false]);
      clock.at = Date.UTC(2026, 0, 11); // Sunday
      expect((await consumeAll(state, key, weekly, 2)).map((r) => r.allowed)).toEqual([true, false]);
      clock.at = Date.UTC(2026, 0, 17, 23, 59); // the next Saturday: the same week
      expect((await state.quotaCounter.consume(key, weekly)).allowed).toBe(false);
    });

    it('starts a new MONTH on the 1st, 00:00 UTC', async () => {
      const monthly: QuotaSettings = { limit: 2, period: 'MONTH' };
      const clock = clockAt(Date.UTC(2026, 1, 1, 0, 0)); // 1 February
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      expect((await consumeAll(state, key, monthly, 3)).map((r) => r.allowed)).toEqual([true, true, false]);
      clock.at = Date.UTC(2026, 1, 28, 23, 59, 59);
      expect((await state.quotaCounter.consume(key, monthly)).allowed).toBe(false);
      clock.at = Date.UTC(2026, 2, 1);
      expect(await state.quotaCounter.consume(key, monthly)).toEqual({ allowed: true, remaining: 1 });
    });

    it('subtracts the offset from the limit in the initial period only', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      const settings: QuotaSettings = { limit: 5, period: 'DAY', offset: 3, initialPeriodAt: MONDAY_NOON - 3_600_000 };
      expect((await consumeAll(state, key, settings, 3)).map((r) => r.allowed)).toEqual([true, true, false]);
      clock.at += 86_400_000;
      expect((await consumeAll(state, key, settings, 6)).filter((r) => r.allowed)).toHaveLength(5);
    });

    it('reports what remains and the usage per UTC day', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const key = uniqueKey();
      const weekly: QuotaSettings = { limit: 50, period: 'WEEK' };
      await consumeAll(state, key, weekly, 3);
      clock.at += 86_400_000;
      await consumeAll(state, key, weekly, 2);
      expect(await state.quotaCounter.remaining(key, weekly)).toBe(45);
      expect(await state.quotaCounter.usage(key, '2026-01-04', '2026-01-07')).toEqual([
        { date: '2026-01-04', used: 0 },
        { date: '2026-01-05', used: 3 },
        { date: '2026-01-06', used: 2 },
        { date: '2026-01-07', used: 0 },
      ]);
    });

    it('sets the remaining count of the current period (UpdateUsage)', async () => {
      const [state] = await backend.open(clockAt(MONDAY_NOON));
      const key = uniqueKey();
      await consumeAll(state, key, daily(10), 9);
      await state.quotaCounter.setRemaining(key, daily(10), 3);
      expect(await state.quotaCounter.remaining(key, daily(10))).toBe(3);
      expect((await consumeAll(state, key, daily(10), 4)).map((r) => r.allowed)).toEqual([true, true, true, false]);
      await state.quotaCounter.setRemaining(key, daily(10), 1);
      expect((await consumeAll(state, key, daily(10), 2)).map((r) => r.allowed)).toEqual([true, false]);
    });

    it('answers most calls without waiting (leased units are served synchronously)', async () => {
      const [state] = await backend.open(clockAt(MONDAY_NOON));
      const key = uniqueKey();
      let waited = 0;
      for (let i = 0; i < 1_000; i++) {
        const answer = state.quotaCounter.consume(key, daily(1_000_000));
        if (answer instanceof Promise) waited++;
        expect((await answer).allowed).toBe(true);
      }
      expect(waited).toBeLessThanOrEqual(20);
    });

    it('admits exactly the limit in total across two processes', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [a, b] = await backend.open(clock);
      const key = uniqueKey();
      let allowed = 0;
      for (let i = 0; i < 300; i++) {
        clock.at += 1;
        if ((await (i % 2 === 0 ? a : b).quotaCounter.consume(key, daily(100))).allowed) allowed++;
      }
      expect(allowed).toBe(100);
      expect(await a.quotaCounter.remaining(key, daily(100))).toBe(0);
      expect(await b.quotaCounter.usage(key, '2026-01-05', '2026-01-05')).toEqual([{ date: '2026-01-05', used: 100 }]);
    });

    it('gives leased units back on close, so another process can use them', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [a, b] = await backend.open(clock);
      const key = uniqueKey();
      await consumeAll(a, key, daily(100), 1);
      await a.close();
      expect(await b.quotaCounter.remaining(key, daily(100))).toBe(99);
      expect((await consumeAll(b, key, daily(100), 100)).filter((r) => r.allowed)).toHaveLength(99);
    });
  });
  describe('AuthorizerCache', () => {
    const decode = (text: string) => ({ decoded: JSON.parse(text) as unknown });

    it('answers an entry while it lives, to this process and to another, then forgets it', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [one, two] = await backend.open(clock);
      const key = uniqueKey();
      expect(await one.authorizerCache.get(key, decode)).toBeUndefined();
      one.authorizerCache.set(key, { decoded: 'answer' }, '"answer"', 1_000);
      expect(await one.authorizerCache.get(key, decode)).toEqual({ decoded: 'answer' });
      // The write to Redis is not awaited by set: another process sees it once it lands.
      let seen = await two.authorizerCache.get(key, decode);
      for (let i = 0; i < 50 && seen === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
        seen = await two.authorizerCache.get(key, decode);
      }
      expect(seen).toEqual({ decoded: 'answer' });
      clock.at += 1_000;
      expect(await one.authorizerCache.get(key, decode)).toBeUndefined();
      expect(await two.authorizerCache.get(key, decode)).toBeUndefined();
    });

    it('keys are independent, and a newer entry replaces an older one', async () => {
      const clock = clockAt(MONDAY_NOON);
      const [state] = await backend.open(clock);
      const [a, b] = [uniqueKey(), uniqueKey()];
      state.authorizerCache.set(a, { decoded: 1 }, '1', 60_000);
      state.authorizerCache.set(b, { decoded: 2 }, '2', 60_000);
      state.authorizerCache.set(a, { decoded: 3 }, '3', 60_000);
      expect(await state.authorizerCache.get(a, decode)).toEqual({ decoded: 3 });
      expect(await state.authorizerCache.get(b, decode)).toEqual({ decoded: 2 });
    });
  });
});
