// UsagePlanKeys: CreateUsagePlanKey, GetUsagePlanKey(s), DeleteUsagePlanKey — an API key's
// membership of a usage plan (keyType API_KEY), answered with the key's name and value.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateUsagePlanKey.html
// Messages and shapes recorded (LocalStack AWS snapshots,
// tests/aws/services/apigateway/test_apigateway_extended.snapshot.json) unless marked unverified.
import { conflict, notFound } from '../../aws/errors.js';
import type { ApiKeyRecord } from '../../model/usage-plans.js';
import type { OperationDefinition } from '../route-table.js';
import { apiKeyNotFound } from './api-keys.js';
import type { ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { checkOnePlanPerStage, usagePlanNotFound } from './usage-plans.js';
import { enumError, nullError, optString, throwIfErrors } from './validation.js';

const KEY_TYPES: readonly string[] = ['API_KEY'];
const usagePlanKeyNotFound = () => notFound('Invalid Usage Plan Key identifier specified'); // unverified

function usagePlanKeyOut(ctx: ApiGatewayContext, key: ApiKeyRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: key.id, type: 'API_KEY', value: ctx.secrets.open(key.sealedValue) };
  if (key.name !== undefined) out.name = key.name;
  return out;
}

export function usagePlanKeyOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  /** The plan's key, or NotFound (the plan's message first). */
  const memberKey = async (usagePlanId: string, keyId: string): Promise<ApiKeyRecord> => {
    if ((await ctx.store.getUsagePlan(usagePlanId)) === undefined) throw usagePlanNotFound();
    const linked = (await ctx.store.listUsagePlanKeys({ usagePlanId, keyId })).length > 0;
    const key = linked ? await ctx.store.getApiKey(keyId) : undefined;
    if (!key) throw usagePlanKeyNotFound();
    return key;
  };
  return [
    {
      name: 'CreateUsagePlanKey',
      method: 'POST',
      uri: '/usageplans/{usageplanId}/keys',
      handler: async ({ params, body }) => {
        const keyId = optString(body, 'keyId');
        const keyType = optString(body, 'keyType');
        const errors: string[] = [];
        if (keyId === undefined) errors.push(nullError('createUsagePlanKeyInput.keyId')); // unverified
        if (keyType === undefined) errors.push(nullError('createUsagePlanKeyInput.keyType')); // unverified
        else if (!KEY_TYPES.includes(keyType)) errors.push(enumError(keyType, 'createUsagePlanKeyInput.keyType', KEY_TYPES)); // unverified
        throwIfErrors(errors);
        const plan = await ctx.store.getUsagePlan(params.usageplanId);
        if (plan) await checkOnePlanPerStage(ctx, plan.id, [keyId as string], plan.apiStages);
        switch (await ctx.store.addUsagePlanKey({ usagePlanId: params.usageplanId, keyId: keyId as string })) {
          case 'no-plan':
            throw usagePlanNotFound();
          case 'no-key':
            throw apiKeyNotFound();
          case 'exists':
            throw conflict('Usage Plan Key already exists'); // unverified
          case 'added':
        }
        const key = await ctx.store.getApiKey(keyId as string);
        if (!key) throw apiKeyNotFound();
        return { statusCode: 201, body: usagePlanKeyOut(ctx, key) };
      },
    },
    {
      name: 'GetUsagePlanKeys',
      method: 'GET',
      uri: '/usageplans/{usageplanId}/keys',
      handler: async ({ params, query }) => {
        // An unknown plan answers an empty list, not 404 (recorded). `name` is a case-sensitive prefix (recorded).
        const name = query.get('name');
        const keys: ApiKeyRecord[] = [];
        for (const link of await ctx.store.listUsagePlanKeys({ usagePlanId: params.usageplanId })) {
          const key = await ctx.store.getApiKey(link.keyId);
          if (key && (!name || (key.name ?? '').startsWith(name))) keys.push(key);
        }
        const page = paginate(keys, query);
        return { statusCode: 200, body: { ...page, item: page.item.map((key) => usagePlanKeyOut(ctx, key)) } };
      },
    },
    {
      name: 'GetUsagePlanKey',
      method: 'GET',
      uri: '/usageplans/{usageplanId}/keys/{keyId}',
      handler: async ({ params }) => ({ statusCode: 200, body: usagePlanKeyOut(ctx, await memberKey(params.usageplanId, params.keyId)) }),
    },
    {
      name: 'DeleteUsagePlanKey',
      method: 'DELETE',
      uri: '/usageplans/{usageplanId}/keys/{keyId}',
      handler: async ({ params }) => {
        await memberKey(params.usageplanId, params.keyId);
        if (!(await ctx.store.removeUsagePlanKey({ usagePlanId: params.usageplanId, keyId: params.keyId }))) throw usagePlanKeyNotFound();
        return { statusCode: 202 };
      },
    },
  ];
}
