// Quota period math (src/state/quota-window.ts): UTC windows, the initial period's offset, GetUsage's days.
import { describe, it, expect } from 'vitest';
import { datesBetween, quotaWindow, windowLimit } from '../../../src/state/quota-window.js';

const iso = (window: { start: number; end: number }) => [new Date(window.start).toISOString(), new Date(window.end).toISOString()];

describe('quotaWindow', () => {
  it('DAY is the UTC calendar day', () => {
    expect(iso(quotaWindow('DAY', Date.UTC(2026, 0, 5, 23, 59, 59, 999)))).toEqual(['2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z']);
  });

  it('WEEK starts on Sunday 00:00 UTC', () => {
    expect(iso(quotaWindow('WEEK', Date.UTC(2026, 0, 7, 8)))).toEqual(['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z']);
    expect(iso(quotaWindow('WEEK', Date.UTC(2026, 0, 4)))).toEqual(['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z']);
  });

  it('MONTH is the calendar month, across a year and a leap February', () => {
    expect(iso(quotaWindow('MONTH', Date.UTC(2026, 11, 31, 23)))).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(iso(quotaWindow('MONTH', Date.UTC(2028, 1, 29)))).toEqual(['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
  });
});

describe('windowLimit', () => {
  const window = quotaWindow('DAY', Date.UTC(2026, 0, 5, 12));
  it('subtracts the offset in the window holding initialPeriodAt only', () => {
    expect(windowLimit({ limit: 10, period: 'DAY', offset: 4, initialPeriodAt: Date.UTC(2026, 0, 5, 1) }, window)).toBe(6);
    expect(windowLimit({ limit: 10, period: 'DAY', offset: 4, initialPeriodAt: Date.UTC(2026, 0, 4, 1) }, window)).toBe(10);
    expect(windowLimit({ limit: 10, period: 'DAY', offset: 4 }, window)).toBe(10);
  });
});

describe('datesBetween', () => {
  it('lists every day, inclusive, across a month end', () => {
    expect(datesBetween('2026-01-30', '2026-02-02')).toEqual(['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02']);
  });
  it('keeps the latest 90 days of a longer range', () => {
    const dates = datesBetween('2025-01-01', '2026-01-01');
    expect(dates).toHaveLength(90);
    expect(dates.at(-1)).toBe('2026-01-01');
  });
});
