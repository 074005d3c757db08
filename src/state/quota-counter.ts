// Usage-plan quotas per API key, and what GetUsage and UpdateUsage read and change:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
import type { Awaitable } from '../store/config-store.js';
import type { QuotaSettings } from './quota-window.js';

export type { QuotaPeriod, QuotaSettings } from './quota-window.js';

/** `remaining` is what is left in the current period; `null` when unknown (state failing under `failure: 'open'`, the request allowed). */
export interface QuotaResult {
  readonly allowed: boolean;
  readonly remaining: number | null;
}

/** Requests counted for a key on one UTC day (`YYYY-MM-DD`). */
export interface DailyUsage {
  readonly date: string;
  readonly used: number;
}

/**
 * A request counter per key and quota period (UTC windows, `quota-window.ts`). Synchronous when the
 * answer is local (always, in memory). With a failing backend, `consume` follows the failure policy
 * (`open`: allowed, `remaining` null; `closed`: rejects with `StateUnavailableError`); the
 * control plane's calls (`remaining`, `usage`, `setRemaining`) always reject with it.
 */
export interface QuotaCounter {
  /** Counts one request if the current period has one left. */
  consume(key: string, settings: QuotaSettings): Awaitable<QuotaResult>;
  /** What is left in the current period (GetUsage's `remaining`). */
  remaining(key: string, settings: QuotaSettings): Awaitable<number>;
  /** Requests counted per day from `startDate` to `endDate` (inclusive, `YYYY-MM-DD`), every day listed; kept 90 days. */
  usage(key: string, startDate: string, endDate: string): Awaitable<DailyUsage[]>;
  /** UpdateUsage's `/remaining` patch: sets what is left in the current period. */
  setRemaining(key: string, settings: QuotaSettings, remaining: number): Awaitable<void>;
}
