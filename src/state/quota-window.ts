// Usage-plan quota periods (DAY, WEEK, MONTH) as UTC windows, and the `offset` of the initial one:
// https://docs.aws.amazon.com/apigateway/latest/api/API_QuotaSettings.html
//
// AWS documents `offset` as "the number of requests subtracted from the given limit in the initial
// time period" (the page above, checked). Older SDK references described it as the day a period
// starts ("with a time period of WEEK, an offset of 0 starts on Sunday, and an offset of 1 starts
// on Monday", aws-sdk-apigateway for Ruby 1.73); Archway follows the current reference, and takes
// from that older text only the week starting on Sunday. Window boundaries (calendar periods at
// 00:00 UTC, not rolling ones) are not documented: unverified.

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** A usage plan's quota: `limit` requests per `period`, less `offset` in the initial period. */
export interface QuotaSettings {
  readonly limit: number;
  readonly period: QuotaPeriod;
  readonly offset?: number;
  /** A time (ms since the epoch) inside the initial period, e.g. when the plan was created; without it no period is the initial one. */
  readonly initialPeriodAt?: number;
}

/** A period's window, [start, end) in ms since the epoch. */
export interface QuotaWindow {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;

export function quotaWindow(period: QuotaPeriod, at: number): QuotaWindow {
  const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
  switch (period) {
    case 'DAY':
      return { start: dayStart, end: dayStart + DAY_MS };
    case 'WEEK': {
      const start = dayStart - new Date(dayStart).getUTCDay() * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'MONTH': {
      const d = new Date(at);
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    }
  }
}

/** The limit that applies in `window`: less the offset when it is the initial period. */
export function windowLimit(settings: QuotaSettings, window: QuotaWindow): number {
  const initial = settings.initialPeriodAt !== undefined && settings.initialPeriodAt >= window.start && settings.initialPeriodAt < window.end;
  return initial ? settings.limit - (settings.offset ?? 0) : settings.limit;
}

/** How long daily usage is kept for GetUsage (memory and Redis alike): AWS's GetUsage reads back 90 days at most (unverified), and this bounds the state. */
export const USAGE_RETENTION_DAYS = 90;

/** The UTC date of `at`, as GetUsage names days: `YYYY-MM-DD`. */
export function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Every date from `startDate` to `endDate` (`YYYY-MM-DD`, inclusive), at most the retention's worth, the latest kept. */
export function datesBetween(startDate: string, endDate: string): string[] {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const end = Date.parse(`${endDate}T00:00:00Z`);
  const dates: string[] = [];
  for (let at = Math.max(start, end - (USAGE_RETENTION_DAYS - 1) * DAY_MS); at <= end; at += DAY_MS) dates.push(utcDate(at));
  return dates;
}

export const RETENTION_MS = USAGE_RETENTION_DAYS * DAY_MS;
