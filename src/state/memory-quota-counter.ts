// Usage-plan quotas in one process's memory (the default backend):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
import type { DailyUsage, QuotaCounter, QuotaResult } from './quota-counter.js';
import { datesBetween, quotaWindow, RETENTION_MS, utcDate, windowLimit, type QuotaSettings } from './quota-window.js';
import { SweptMap } from './swept-map.js';

const DAY_MS = 86_400_000;

interface Counted {
  start: number;
  end: number;
  used: number;
}

export class MemoryQuotaCounter implements QuotaCounter {
  readonly #now: () => number;
  // One entry per key for its current period; a finished period's entry can go.
  readonly #periods = new SweptMap<Counted>((c, now) => now >= c.end);
  /** date → key → requests; dates older than the retention are dropped when a new date starts. */
  readonly #days = new Map<string, Map<string, number>>();
  /** Today's counts and the UTC day they cover (a date string made once a day, not per request). */
  #today: { start: number; end: number; counts: Map<string, number> } | undefined;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  consume(key: string, settings: QuotaSettings): QuotaResult {
    const now = this.#now();
    const counted = this.#current(key, settings.period, now);
    const limit = windowLimit(settings, counted);
    if (counted.used >= limit) return { allowed: false, remaining: 0 };
    counted.used += 1;
    const day = this.#day(now);
    day.set(key, (day.get(key) ?? 0) + 1);
    return { allowed: true, remaining: limit - counted.used };
  }

  remaining(key: string, settings: QuotaSettings): number {
    const counted = this.#current(key, settings.period, this.#now());
    return Math.max(0, windowLimit(settings, counted) - counted.used);
  }

  usage(key: string, startDate: string, endDate: string): DailyUsage[] {
    return datesBetween(startDate, endDate).map((date) => ({ date, used: this.#days.get(date)?.get(key) ?? 0 }));
  }

  setRemaining(key: string, settings: QuotaSettings, remaining: number): void {
    const counted = this.#current(key, settings.period, this.#now());
    counted.used = windowLimit(settings, counted) - remaining;
  }

  #current(key: string, period: QuotaSettings['period'], now: number): Counted {
    const counted = this.#periods.get(key);
    if (counted !== undefined && now >= counted.start && now < counted.end) return counted;
    return this.#periods.insert(key, { ...quotaWindow(period, now), used: 0 }, now);
  }

  #day(now: number): Map<string, number> {
    const today = this.#today;
    if (today !== undefined && now >= today.start && now < today.end) return today.counts;
    const date = utcDate(now);
    let counts = this.#days.get(date);
    if (counts === undefined) {
      const oldest = utcDate(now - RETENTION_MS);
      for (const d of this.#days.keys()) if (d <= oldest) this.#days.delete(d);
      counts = new Map();
      this.#days.set(date, counts);
    }
    const start = Math.floor(now / DAY_MS) * DAY_MS;
    this.#today = { start, end: start + DAY_MS, counts };
    return counts;
  }
}
