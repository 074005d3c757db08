// GetUsage and UpdateUsage (https://docs.aws.amazon.com/apigateway/latest/api/API_GetUsage.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateUsage.html): a usage plan's daily
// log per API key, `[used, remaining]` per day ("{..., "values" : { "{api_key}" : [ [0, 100],
// [10, 90], [100, 10]]}"), read from the quota counters the data plane keeps (memory or Redis),
// and the `/remaining` patch that sets what is left in the current period. Keys are listed by
// their id (unverified: the API reference says "an API key value"); a plan without a quota reports
// 0 remaining (unverified).
import { AwsServiceError, badRequest, notFound } from '../../aws/errors.js';
import type { UsagePlanRecord } from '../../model/usage-plans.js';
import { counterName } from '../../data-plane/metering/metering.js';
import { StateUnavailableError, type QuotaCounter } from '../../state/index.js';
import { quotaWindow, utcDate, windowLimit } from '../../state/quota-window.js';
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayContext } from './context.js';
import { readPatchOperations } from './patch.js';
import { usagePlanNotFound } from './usage-plans.js';
import { throwIfErrors } from './validation.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const keyNotInPlan = () => notFound('Invalid API Key identifier specified'); // unverified

/** The state backend (Redis) is failing: a usage figure made up meanwhile would be wrong. */
function unavailable(error: unknown): never {
  if (error instanceof StateUnavailableError) throw new AwsServiceError('ServiceUnavailableException', 503, 'Usage data is unavailable: the shared state is not reachable');
  throw error;
}

function requiredDate(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw badRequest(`Invalid ${name}: expected a date such as 2016-12-31`); // unverified
  }
  return value;
}

/** `[used, remaining]` per day: remaining is what the day's period had left at its end. */
async function dailyLog(quotas: QuotaCounter, plan: UsagePlanRecord, keyId: string, startDate: string, endDate: string): Promise<number[][]> {
  const days = await quotas.usage(counterName(plan.id, keyId), startDate, endDate);
  const quota = plan.quota === undefined ? undefined : { ...plan.quota, initialPeriodAt: plan.quotaSetAt };
  const log: number[][] = [];
  let windowStart = -1;
  let usedInWindow = 0;
  for (const { date, used } of days) {
    if (quota === undefined) {
      log.push([used, 0]);
      continue;
    }
    const window = quotaWindow(quota.period, Date.parse(`${date}T00:00:00Z`));
    if (window.start !== windowStart) {
      windowStart = window.start;
      // Days of this period before the range asked for count too.
      const before = window.start < Date.parse(`${startDate}T00:00:00Z`)
        ? await quotas.usage(counterName(plan.id, keyId), utcDate(window.start), utcDate(Date.parse(`${startDate}T00:00:00Z`) - DAY_MS))
        : [];
      usedInWindow = before.reduce((sum, day) => sum + day.used, 0);
    }
    usedInWindow += used;
    // Today's remaining is the counter's own (UpdateUsage may have set it); earlier days', what their period had left.
    const remaining = date === utcDate(Date.now()) ? await quotas.remaining(counterName(plan.id, keyId), quota) : Math.max(0, windowLimit(quota, window) - usedInWindow);
    log.push([used, remaining]);
  }
  return log;
}

export function usageOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const quotas = (): QuotaCounter => ctx.dataPlane.services.metering.quotaCounter;
  const keysOf = async (planId: string): Promise<string[]> => (await ctx.store.listUsagePlanKeys({ usagePlanId: planId })).map((link) => link.keyId).sort();
  return [
    {
      name: 'GetUsage',
      method: 'GET',
      uri: '/usageplans/{usageplanId}/usage',
      handler: async ({ params, query }) => {
        const startDate = requiredDate(query, 'startDate');
        const endDate = requiredDate(query, 'endDate');
        if (startDate > endDate) throw badRequest('The start date must not be after the end date'); // unverified
        const plan = await ctx.store.getUsagePlan(params.usageplanId);
        if (!plan) throw usagePlanNotFound();
        const keyId = query.get('keyId');
        const keys = await keysOf(plan.id);
        if (keyId !== null && !keys.includes(keyId)) throw keyNotInPlan();
        const values: Record<string, number[][]> = Object.create(null) as Record<string, number[][]>;
        try {
          for (const id of keyId === null ? keys : [keyId]) values[id] = await dailyLog(quotas(), plan, id, startDate, endDate);
        } catch (error) {
          unavailable(error);
        }
        return { statusCode: 200, body: { usagePlanId: plan.id, startDate, endDate, values } };
      },
    },
    {
      name: 'UpdateUsage',
      method: 'PATCH',
      uri: '/usageplans/{usageplanId}/keys/{keyId}/usage',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateUsageInput', errors);
        throwIfErrors(errors);
        const plan = await ctx.store.getUsagePlan(params.usageplanId);
        if (!plan) throw usagePlanNotFound();
        if (!(await keysOf(plan.id)).includes(params.keyId)) throw keyNotInPlan();
        const today = utcDate(Date.now());
        try {
          for (const { op, path, value } of operations) {
            if (op !== 'replace' || path !== '/remaining') throw badRequest(`Invalid patch path ${path}`); // unverified
            const remaining = Number(value);
            if (!Number.isInteger(remaining) || remaining < 0) throw badRequest(`Invalid remaining value ${value ?? ''}: a whole number of requests`); // unverified
            if (plan.quota === undefined) throw badRequest('Usage plan has no quota to update'); // unverified
            await quotas().setRemaining(counterName(plan.id, params.keyId), { ...plan.quota, initialPeriodAt: plan.quotaSetAt }, remaining);
          }
          const values = { [params.keyId]: await dailyLog(quotas(), plan, params.keyId, today, today) };
          return { statusCode: 200, body: { usagePlanId: plan.id, startDate: today, endDate: today, values } };
        } catch (error) {
          unavailable(error);
        }
      },
    },
  ];
}
