// UsagePlans: CreateUsagePlan, GetUsagePlan(s), UpdateUsagePlan, DeleteUsagePlan. Stored and
// answered as AWS does; throttle and quota are not enforced yet (not-enforced.ts says so).
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateUsagePlan.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateUsagePlan.html
// Messages and shapes recorded (LocalStack AWS snapshots,
// tests/aws/services/apigateway/test_apigateway_common.snapshot.json) unless marked unverified.
import { badRequest, conflict, notFound } from '../../aws/errors.js';
import { newUsagePlanId } from '../../aws/ids.js';
import type { ApiStage, QuotaPeriod, QuotaSettings, ThrottleSettings, UsagePlanRecord } from '../../model/usage-plans.js';
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayContext } from './context.js';
import { chosenId, CUSTOM_ID_TAG } from './rest-apis.js';
import { paginate } from './paging.js';
import { invalidPatchOp, invalidPatchPath, readPatchOperations, segments, unescapeSegment, type PatchOperation } from './patch.js';
import {
  enumError, nullError, optNumber, optObject, optString, optStringMap, throwIfErrors, validationException, type Body,
} from './validation.js';

const PERIODS: readonly QuotaPeriod[] = ['DAY', 'WEEK', 'MONTH'];

export const usagePlanNotFound = () => notFound('Invalid Usage Plan ID specified');
const invalidApiStage = () => badRequest('Invalid API Stage specified');
const unknownApiStage = (apiId: string, stage: string, usagePlanId: string) =>
  notFound(`Invalid API Stage {api: ${apiId}, stage: ${stage}} specified for usageplan ${usagePlanId}`);

/** `apiId:stage`, the form patches name an API stage by. */
const apiStageKey = (apiStage: { apiId: string; stage: string }) => `${apiStage.apiId}:${apiStage.stage}`;

function parseApiStageKey(value: string | undefined): { apiId: string; stage: string } {
  const parts = (value ?? '').split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalidApiStage();
  return { apiId: parts[0], stage: parts[1] };
}

/** The wire shape: `tags` as `{}` on GetUsagePlan and UpdateUsagePlan (recorded), else only when there are tags. */
export function usagePlanOut(plan: UsagePlanRecord, options: { tags?: boolean } = {}): Record<string, unknown> {
  const { quotaSetAt: _internal, ...wire } = plan;
  const out: Record<string, unknown> = { ...wire };
  if (plan.tags === undefined && options.tags) out.tags = {};
  return out;
}

function readThrottle(body: Body, key: string): ThrottleSettings | undefined {
  const throttle = optObject(body, key);
  if (throttle === undefined) return undefined;
  const out: ThrottleSettings = {};
  const burstLimit = optNumber(throttle, 'burstLimit');
  const rateLimit = optNumber(throttle, 'rateLimit');
  if (burstLimit !== undefined) out.burstLimit = Math.trunc(burstLimit);
  if (rateLimit !== undefined) out.rateLimit = rateLimit;
  return out;
}

function readQuota(body: Body): QuotaSettings | undefined {
  const quota = optObject(body, 'quota');
  if (quota === undefined) return undefined;
  const period = optString(quota, 'period');
  if (period === undefined || !(PERIODS as readonly string[]).includes(period)) {
    throw validationException([enumError(period ?? null, 'createUsagePlanInput.quota.period', PERIODS)]); // unverified
  }
  const out: QuotaSettings = { limit: Math.trunc(optNumber(quota, 'limit') ?? 0), offset: Math.trunc(optNumber(quota, 'offset') ?? 0), period: period as QuotaPeriod };
  checkQuota(out);
  return out;
}

/** Offsets count requests of the first period: 0 up to, not including, the limit. Messages unverified. */
function checkQuota(quota: QuotaSettings): void {
  if (quota.limit < 0) throw badRequest('Quota limit must be a non-negative integer');
  if (quota.offset < 0 || (quota.offset > 0 && quota.offset >= quota.limit)) {
    throw badRequest(`Quota offset must be between 0 and ${Math.max(quota.limit - 1, 0)} for a limit of ${quota.limit}`);
  }
}

/** Per-method throttles, keyed `/{resourcePath}/{METHOD}` (`//GET` for the root resource); a prototype-less map. */
function readMethodThrottles(body: Body): Record<string, ThrottleSettings> | undefined {
  const map = optObject(body, 'throttle');
  if (map === undefined) return undefined;
  const out = Object.create(null) as Record<string, ThrottleSettings>;
  for (const key of Object.keys(map)) out[key] = readThrottle(map, key) ?? {};
  return out;
}

async function readApiStages(ctx: ApiGatewayContext, body: Body, usagePlanId: string): Promise<ApiStage[]> {
  const raw = body.apiStages;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidApiStage(); // unverified for a non-list
  const out: ApiStage[] = [];
  for (const entry of raw as unknown[]) {
    const apiStageBody = (entry ?? {}) as Body;
    const apiId = optString(apiStageBody, 'apiId') ?? '';
    const stage = optString(apiStageBody, 'stage') ?? '';
    // BadRequestException with this text (AWS error reports: aws/aws-sdk#354, aws/aws-cdk#6169);
    // AWS has been seen to send the %s placeholders unfilled: filled in here (unverified).
    if (!apiId || !stage || (await ctx.store.getStage(apiId, stage)) === undefined) {
      throw badRequest(`Invalid API Stage {api: ${apiId}, stage: ${stage}} specified for usageplan ${usagePlanId}`);
    }
    if (out.some((apiStage) => apiStage.apiId === apiId && apiStage.stage === stage)) continue;
    const apiStage: ApiStage = { apiId, stage };
    const throttle = readMethodThrottles(apiStageBody);
    if (throttle !== undefined && Object.keys(throttle).length > 0) apiStage.throttle = throttle;
    out.push(apiStage);
  }
  return out;
}

async function createUsagePlan(ctx: ApiGatewayContext, body: Body): Promise<UsagePlanRecord> {
  const name = optString(body, 'name');
  if (name === undefined) throwIfErrors([nullError('createUsagePlanInput.name')]); // unverified
  const tags = optStringMap(body, 'tags');
  const customId = tags?.[CUSTOM_ID_TAG] === undefined ? undefined : chosenId('usage plan', tags[CUSTOM_ID_TAG]);
  const id = customId ?? newUsagePlanId();
  const plan: UsagePlanRecord = { id, name, apiStages: await readApiStages(ctx, body, id) };
  const description = optString(body, 'description');
  if (description) plan.description = description;
  const throttle = readThrottle(body, 'throttle');
  if (throttle !== undefined) plan.throttle = throttle;
  const quota = readQuota(body);
  if (quota !== undefined) {
    plan.quota = quota;
    plan.quotaSetAt = Date.now();
  }
  if (tags !== undefined && Object.keys(tags).length > 0) plan.tags = tags;
  // Random ids: on the (very unlikely) clash with an existing plan, draw another.
  while (!(await ctx.store.createUsagePlan(plan))) {
    if (customId !== undefined) throw conflict(`usage plan id '${customId}' is taken`); // Archway's own
    plan.id = newUsagePlanId();
  }
  return plan;
}

/**
 * A key may be in several plans, but in only one plan per API stage, or a request's plan would
 * be ambiguous (usage plans:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
 * The rule as AWS applies it and its message are unverified.
 */
export async function checkOnePlanPerStage(
  ctx: ApiGatewayContext, usagePlanId: string, keyIds: readonly string[], apiStages: readonly { apiId: string; stage: string }[],
): Promise<void> {
  const stages = new Set(apiStages.map(apiStageKey));
  if (stages.size === 0) return;
  for (const keyId of keyIds) {
    for (const link of await ctx.store.listUsagePlanKeys({ keyId })) {
      const other = link.usagePlanId === usagePlanId ? undefined : await ctx.store.getUsagePlan(link.usagePlanId);
      const shared = other?.apiStages.find((apiStage) => stages.has(apiStageKey(apiStage)));
      if (other && shared) throw conflict(`API Key ${keyId} is already in usage plan ${other.id} for API stage ${apiStageKey(shared)}`);
    }
  }
}

/**
 * The API stages a patch adds or removes exist, and the plan's keys are in no other plan for
 * an added one (checked before the write, which cannot wait).
 */
async function checkPatchedApiStages(ctx: ApiGatewayContext, usagePlanId: string, operations: readonly PatchOperation[]): Promise<void> {
  const added: { apiId: string; stage: string }[] = [];
  for (const { op, path, value } of operations) {
    if (path !== '/apiStages' || (op !== 'add' && op !== 'remove')) continue;
    const { apiId, stage } = parseApiStageKey(value);
    if ((await ctx.store.getStage(apiId, stage)) === undefined) throw unknownApiStage(apiId, stage, usagePlanId);
    if (op === 'add') added.push({ apiId, stage });
  }
  const keyIds = (await ctx.store.listUsagePlanKeys({ usagePlanId })).map((link) => link.keyId);
  await checkOnePlanPerStage(ctx, usagePlanId, keyIds, added);
}

/** A patch value as a number (AWS's values are strings). Message unverified. */
function patchNumber(value: string | undefined, path: string): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n)) throw badRequest(`Invalid value for ${path}: ${value ?? 'null'}`);
  return n;
}

function patchUsagePlan(plan: UsagePlanRecord, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) throw invalidPatchPath(path);
  if (path === '/apiStages') {
    patchApiStages(plan, op, value);
    return;
  }
  if (path.startsWith('/apiStages/')) {
    patchMethodThrottle(plan, operation, path);
    return;
  }
  if (op === 'remove' && (path === '/throttle' || path === '/quota')) {
    delete plan[path === '/throttle' ? 'throttle' : 'quota']; // unverified
    return;
  }
  if (op !== 'replace') throw invalidPatchOp(['replace']); // unverified for usage plans
  switch (path) {
    case '/name':
      plan.name = value ?? '';
      return;
    case '/description':
    case '/productCode': {
      const field = path === '/description' ? 'description' : 'productCode';
      if (value) plan[field] = value;
      else delete plan[field];
      return;
    }
    case '/throttle/burstLimit':
      (plan.throttle ??= {}).burstLimit = Math.trunc(patchNumber(value, path));
      return;
    case '/throttle/rateLimit':
      (plan.throttle ??= {}).rateLimit = patchNumber(value, path);
      return;
    case '/quota/limit':
    case '/quota/offset':
    case '/quota/period': {
      // A quota made by a patch starts at offset 0 (recorded) and period DAY (unverified).
      plan.quotaSetAt ??= Date.now();
      const quota = (plan.quota ??= { limit: 0, offset: 0, period: 'DAY' });
      if (path === '/quota/period') {
        if (!(PERIODS as readonly string[]).includes(value ?? '')) throw badRequest(`Invalid quota period: ${value ?? 'null'}. Must be one of: [${PERIODS.join(', ')}]`); // unverified
        quota.period = value as QuotaPeriod;
      } else if (path === '/quota/limit') quota.limit = Math.trunc(patchNumber(value, path));
      else quota.offset = Math.trunc(patchNumber(value, path));
      return;
    }
    default:
      throw invalidPatchPath(path); // unverified for usage plans
  }
}

/** `add`/`remove` `/apiStages` with `apiId:stage` (the stage's existence was checked before the write). */
function patchApiStages(plan: UsagePlanRecord, op: string, value: string | undefined): void {
  if (op !== 'add' && op !== 'remove') throw invalidPatchOp(['add', 'remove']); // unverified
  const { apiId, stage } = parseApiStageKey(value);
  const at = plan.apiStages.findIndex((apiStage) => apiStage.apiId === apiId && apiStage.stage === stage);
  if (op === 'add') {
    if (at < 0) plan.apiStages.push({ apiId, stage });
  } else {
    if (at < 0) throw unknownApiStage(apiId, stage, plan.id); // unverified for a stage that exists but is not in the plan
    plan.apiStages.splice(at, 1);
  }
}

/**
 * `/apiStages/{apiId:stage}/throttle/{resourcePath}/{METHOD}[/rateLimit|/burstLimit]`, the
 * resource path one segment with `/` as `~1`; or `/apiStages/{apiId:stage}/throttle` replaced
 * whole with a JSON map.
 */
function patchMethodThrottle(plan: UsagePlanRecord, operation: PatchOperation, path: string): void {
  const [, apiStageText, throttleSegment, resourceSegment, method, limit, ...rest] = segments(path);
  if (throttleSegment !== 'throttle' || rest.length > 0) throw invalidPatchPath(path);
  const { apiId, stage } = parseApiStageKey(apiStageText);
  const apiStage = plan.apiStages.find((candidate) => apiStageKey(candidate) === apiStageKey({ apiId, stage }));
  if (apiStage === undefined) throw unknownApiStage(apiId, stage, plan.id); // unverified for throttle paths
  if (resourceSegment === undefined) {
    if (operation.op === 'remove') delete apiStage.throttle;
    else apiStage.throttle = parseThrottleMap(operation.value);
    return;
  }
  if (method === undefined) throw invalidPatchPath(path);
  const key = `${unescapeSegment(resourceSegment)}/${method}`;
  const throttles = (apiStage.throttle ??= {});
  if (limit === undefined) {
    if (operation.op !== 'remove') throw invalidPatchOp(['remove']); // unverified
    delete throttles[key];
  } else {
    if (limit !== 'rateLimit' && limit !== 'burstLimit') throw invalidPatchPath(path);
    if (operation.op === 'remove') delete throttles[key]?.[limit];
    else {
      const n = patchNumber(operation.value, path);
      (throttles[key] ??= {})[limit] = limit === 'burstLimit' ? Math.trunc(n) : n;
    }
  }
  if (Object.keys(throttles).length === 0) delete apiStage.throttle;
}

function parseThrottleMap(value: string | undefined): Record<string, ThrottleSettings> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    throw badRequest(`Invalid throttle settings: ${value ?? 'null'}`); // unverified
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`Invalid throttle settings: ${value ?? 'null'}`); // unverified
  const throttles = readMethodThrottles({ throttle: parsed });
  return throttles !== undefined && Object.keys(throttles).length > 0 ? throttles : undefined;
}

export function usagePlanOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateUsagePlan',
      method: 'POST',
      uri: '/usageplans',
      handler: async ({ body }) => ({ statusCode: 201, body: usagePlanOut(await createUsagePlan(ctx, body)) }),
    },
    {
      name: 'GetUsagePlans',
      method: 'GET',
      uri: '/usageplans',
      handler: async ({ query }) => {
        const keyId = query.get('keyId');
        let plans = await ctx.store.listUsagePlans();
        if (keyId) {
          const joined = new Set((await ctx.store.listUsagePlanKeys({ keyId })).map((link) => link.usagePlanId));
          plans = plans.filter((plan) => joined.has(plan.id));
        }
        const page = paginate(plans, query);
        return { statusCode: 200, body: { ...page, item: page.item.map((plan) => usagePlanOut(plan)) } };
      },
    },
    {
      name: 'GetUsagePlan',
      method: 'GET',
      uri: '/usageplans/{usageplanId}',
      handler: async ({ params }) => {
        const plan = await ctx.store.getUsagePlan(params.usageplanId);
        if (!plan) throw usagePlanNotFound();
        return { statusCode: 200, body: usagePlanOut(plan, { tags: true }) };
      },
    },
    {
      name: 'UpdateUsagePlan',
      method: 'PATCH',
      uri: '/usageplans/{usageplanId}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateUsagePlanInput', errors);
        throwIfErrors(errors);
        if ((await ctx.store.getUsagePlan(params.usageplanId)) === undefined) throw usagePlanNotFound();
        await checkPatchedApiStages(ctx, params.usageplanId, operations);
        const outcome = await ctx.store.updateUsagePlan(params.usageplanId, (plan) => {
          for (const operation of operations) patchUsagePlan(plan, operation);
          if (plan.quota !== undefined) checkQuota(plan.quota);
          return plan;
        });
        if (!outcome) throw usagePlanNotFound();
        return { statusCode: 200, body: usagePlanOut(outcome.result, { tags: true }) };
      },
    },
    {
      name: 'DeleteUsagePlan',
      method: 'DELETE',
      uri: '/usageplans/{usageplanId}',
      handler: async ({ params }) => {
        const plan = await ctx.store.getUsagePlan(params.usageplanId);
        if (!plan) throw usagePlanNotFound();
        // AWS error report (aws/aws-sdk-js#3841): the stages must be removed first.
        if (plan.apiStages.length > 0) {
          throw badRequest(`Cannot delete Usage Plan ${plan.id} because there are API Stages associated with it, including ${apiStageKey(plan.apiStages[0])}`);
        }
        await ctx.store.deleteUsagePlan(plan.id);
        return { statusCode: 202 };
      },
    },
  ];
}
