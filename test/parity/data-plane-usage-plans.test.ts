// AWS parity: API keys, usage plans (throttle, per-method throttle, quota), stage and account
// throttles, set up with the AWS SDK and exercised over real HTTP; then two Archways sharing the
// real Redis enforce one quota together, and an unreachable Redis follows --state-failure.
// Expected answers as AWS gives them (403 Forbidden / ForbiddenException, 429 Too Many Requests /
// TooManyRequestsException, 429 Limit Exceeded / LimitExceededException):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import {
  CreateApiKeyCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
  UpdateApiKeyCommand, UpdateStageCommand, GetUsageCommand, GetUsagePlansCommand, UpdateUsageCommand, ImportApiKeysCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { refusedPort } from '../helpers/backend.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';

let archway: TestArchway;

/** An API with GET /pets (key required; answers the caller's key id and value) and GET /open. */
async function newApi(gw: APIGatewayClient, tags?: Record<string, string>): Promise<string> {
  const api = await gw.send(new CreateRestApiCommand({ name: 'metered', tags }));
  const apiId = api.id!;
  for (const [path, keyed] of [['pets', true], ['open', false]] as const) {
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId!, pathPart: path }))).id!;
    await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: keyed }));
    await gw.send(new PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({
      restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200',
      responseTemplates: { 'application/json': '{"key": "$context.identity.apiKey", "keyId": "$context.identity.apiKeyId"}' },
    }));
  }
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
  return apiId;
}

/** A key in a new plan covering `apiId`'s dev stage. */
async function keyInPlan(target: TestArchway, apiId: string, plan: Omit<ConstructorParameters<typeof CreateUsagePlanCommand>[0], 'name' | 'apiStages'> & { methodThrottle?: Record<string, { burstLimit: number; rateLimit: number }> } = {}, keyTags?: Record<string, string>) {
  const gw = target.apigateway;
  const { methodThrottle, ...settings } = plan;
  const key = await gw.send(new CreateApiKeyCommand({ name: 'customer', enabled: true, tags: keyTags }));
  const created = await gw.send(new CreateUsagePlanCommand({ name: 'plan', apiStages: [{ apiId, stage: 'dev', throttle: methodThrottle }], ...settings }));
  await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: created.id!, keyId: key.id!, keyType: 'API_KEY' }));
  await target.running.dataPlane.usagePlans.catchUp();
  return { id: key.id!, value: key.value! };
}

async function call(target: TestArchway, apiId: string, path: string, key?: string) {
  const response = await request(target.invokeUrl(apiId, 'dev', path), { headers: key === undefined ? {} : { 'x-api-key': key } });
  return { status: response.statusCode, errorType: response.headers['x-amzn-errortype'], body: await response.body.text() };
}

beforeAll(async () => {
  archway = await startArchway();
});

afterAll(async () => {
  await archway?.stop();
});

describe('API keys', () => {
  it('a method that requires a key refuses a missing, unknown, disabled or unplanned key with 403 Forbidden', async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(gw);
    const forbidden = { status: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}' };
    expect(await call(archway, apiId, '/pets')).toEqual(forbidden);
    expect(await call(archway, apiId, '/pets', 'x'.repeat(40))).toEqual(forbidden);
    const unplanned = await gw.send(new CreateApiKeyCommand({ name: 'loner', enabled: true }));
    await archway.running.dataPlane.usagePlans.catchUp();
    expect(await call(archway, apiId, '/pets', unplanned.value)).toEqual(forbidden);

    const key = await keyInPlan(archway, apiId);
    const ok = await call(archway, apiId, '/pets', key.value);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ key: key.value, keyId: key.id });
    // A method without apiKeyRequired ignores keys.
    expect((await call(archway, apiId, '/open')).status).toBe(200);

    await gw.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));
    await archway.running.dataPlane.usagePlans.catchUp();
    expect(await call(archway, apiId, '/pets', key.value)).toEqual(forbidden);
  });

  it('keys imported in bulk (CSV, 300 keys) are all served', async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(gw);
    const plan = await gw.send(new CreateUsagePlanCommand({ name: 'bulk', apiStages: [{ apiId, stage: 'dev' }] }));
    const values = Array.from({ length: 300 }, (_, i) => `bulk-key-${String(i).padStart(4, '0')}-abcdefghijklmnop`);
    const csv = `Name,Key,UsagePlanIds\n${values.map((value, i) => `k${i},${value},${plan.id!}`).join('\n')}\n`;
    const imported = await gw.send(new ImportApiKeysCommand({ body: new TextEncoder().encode(csv), format: 'csv', failOnWarnings: true }));
    expect(imported.ids).toHaveLength(300);
    await archway.running.dataPlane.usagePlans.catchUp();
    for (const value of [values[0], values[299]]) expect((await call(archway, apiId, '/pets', value)).status).toBe(200);
  });

  it("the Lambda proxy event's requestContext.identity carries the key a request was admitted with", async () => {
    const gw = archway.apigateway;
    const lambda = lambdaClient(archway);
    try {
      const arn = await createFunction(lambda, 'identity-echo', 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.identity) });');
      const api = await gw.send(new CreateRestApiCommand({ name: 'keyed-lambda' }));
      const method = { restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET' };
      await gw.send(new PutMethodCommand({ ...method, authorizationType: 'NONE', apiKeyRequired: true }));
      await gw.send(new PutIntegrationCommand({
        ...method, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
      }));
      await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
      const key = await keyInPlan(archway, api.id!);
      const response = await call(archway, api.id!, '/', key.value);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ apiKey: key.value, apiKeyId: key.id });
    } finally {
      lambda.destroy();
    }
  });

  it("a key whose plan covers another stage is refused", async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(gw);
    const other = await newApi(gw);
    const key = await keyInPlan(archway, other);
    expect((await call(archway, apiId, '/pets', key.value)).status).toBe(403);
    expect((await call(archway, other, '/pets', key.value)).status).toBe(200);
  });
});

describe('usage plans', () => {
  it('the plan throttle lets the burst through, then answers 429 Too Many Requests', async () => {
    const apiId = await newApi(archway.apigateway);
    const key = await keyInPlan(archway, apiId, { throttle: { burstLimit: 3, rateLimit: 0.001 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(archway, apiId, '/pets', key.value)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await call(archway, apiId, '/pets', key.value)).toEqual({ status: 429, errorType: 'TooManyRequestsException', body: '{"message":"Too Many Requests"}' });
  });

  it('a per-method throttle overrides the plan-wide one for that method', async () => {
    const apiId = await newApi(archway.apigateway);
    const key = await keyInPlan(archway, apiId, { throttle: { burstLimit: 100, rateLimit: 100 }, methodThrottle: { '/pets/GET': { burstLimit: 1, rateLimit: 0.001 } } });
    expect((await call(archway, apiId, '/pets', key.value)).status).toBe(200);
    expect((await call(archway, apiId, '/pets', key.value)).status).toBe(429);
  });

  it('the quota admits its limit, then answers 429 Limit Exceeded', async () => {
    const apiId = await newApi(archway.apigateway);
    const key = await keyInPlan(archway, apiId, { quota: { limit: 3, period: 'DAY' } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(archway, apiId, '/pets', key.value)).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect(await call(archway, apiId, '/pets', key.value)).toEqual({ status: 429, errorType: 'LimitExceededException', body: '{"message":"Limit Exceeded"}' });
  });

  it("the quota's offset is taken off the limit in the initial period", async () => {
    const apiId = await newApi(archway.apigateway);
    const key = await keyInPlan(archway, apiId, { quota: { limit: 5, offset: 2, period: 'WEEK' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(archway, apiId, '/pets', key.value)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('GetUsage reports [used, remaining] per day; UpdateUsage sets what is left', async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(gw);
    const key = await keyInPlan(archway, apiId, { quota: { limit: 5, period: 'MONTH' } });
    const planId = (await gw.send(new GetUsagePlansCommand({ keyId: key.id }))).items![0].id!;
    for (let i = 0; i < 3; i++) expect((await call(archway, apiId, '/pets', key.value)).status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const usage = await gw.send(new GetUsageCommand({ usagePlanId: planId, startDate: yesterday, endDate: today }));
    expect(usage).toMatchObject({ usagePlanId: planId, startDate: yesterday, endDate: today });
    expect(usage.items![key.id].at(-1)).toEqual([3, 2]);
    expect(usage.items![key.id]).toHaveLength(2);

    const updated = await gw.send(new UpdateUsageCommand({ usagePlanId: planId, keyId: key.id, patchOperations: [{ op: 'replace', path: '/remaining', value: '1' }] }));
    expect(updated.items![key.id].at(-1)![1]).toBe(1);
    expect((await call(archway, apiId, '/pets', key.value)).status).toBe(200);
    expect((await call(archway, apiId, '/pets', key.value)).status).toBe(429);
    await expect(gw.send(new GetUsageCommand({ usagePlanId: planId, startDate: today, endDate: today, keyId: 'nosuchkey' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('stage and account throttles', () => {
  it("the stage's method settings throttle every method without a key", async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(gw);
    await gw.send(new UpdateStageCommand({
      restApiId: apiId, stageName: 'dev', patchOperations: [
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '2' }, { op: 'replace', path: '/*/*/throttling/rateLimit', value: '0.001' },
      ],
    }));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(archway, apiId, '/open')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('the account limit covers every API (--account-burst-limit)', async () => {
    const small = await startArchway({ limits: { ...archway.running.dataPlane.services.env.limits, accountBurstLimit: 3, accountRateLimit: 1 } });
    try {
      const first = await newApi(small.apigateway);
      const second = await newApi(small.apigateway);
      const statuses = [];
      for (const apiId of [first, second, first, second]) statuses.push((await call(small, apiId, '/open')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await small.stop();
    }
  });
});

describe('two Archways sharing Redis', () => {
  it('enforce one quota together: a plan of 5 a day admits 5 in total', async () => {
    const run = randomUUID().slice(0, 8);
    const nodes = [await startArchway({ redisUrl: 'redis://127.0.0.1:6379' }), await startArchway({ redisUrl: 'redis://127.0.0.1:6379' })];
    try {
      const statuses: number[] = [];
      const keys = [];
      for (const node of nodes) {
        // The same API, plan and key on each node (as a fleet's shared store would give them).
        const apiId = await newApi(node.apigateway, { _custom_id_: `metered-${run}` });
        const gw = node.apigateway;
        const key = await gw.send(new CreateApiKeyCommand({ name: 'shared', enabled: true, value: `shared-key-${run}-0123456789`, tags: { _custom_id_: `key-${run}` } }));
        const plan = await gw.send(new CreateUsagePlanCommand({ name: 'shared', apiStages: [{ apiId, stage: 'dev' }], quota: { limit: 5, period: 'DAY' }, tags: { _custom_id_: `plan-${run}` } }));
        await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
        await node.running.dataPlane.usagePlans.catchUp();
        keys.push({ node, apiId, value: key.value! });
      }
      for (let i = 0; i < 12; i++) {
        const { node, apiId, value } = keys[i % 2];
        statuses.push((await call(node, apiId, '/pets', value)).status);
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    } finally {
      for (const node of nodes) await node.stop();
    }
  });
});

describe('a restart with Redis', () => {
  it('keeps the quota: what was used before the restart still counts', async () => {
    const run = randomUUID().slice(0, 8);
    const setUp = async (node: TestArchway) => {
      const apiId = await newApi(node.apigateway, { _custom_id_: `restart-${run}` });
      const gw = node.apigateway;
      const key = await gw.send(new CreateApiKeyCommand({ name: 'kept', enabled: true, value: `restart-key-${run}-0123456789`, tags: { _custom_id_: `rkey-${run}` } }));
      const plan = await gw.send(new CreateUsagePlanCommand({ name: 'kept', apiStages: [{ apiId, stage: 'dev' }], quota: { limit: 4, period: 'DAY' }, tags: { _custom_id_: `rplan-${run}` } }));
      await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
      await node.running.dataPlane.usagePlans.catchUp();
      return { apiId, value: key.value! };
    };
    const before = await startArchway({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      const { apiId, value } = await setUp(before);
      for (let i = 0; i < 3; i++) expect((await call(before, apiId, '/pets', value)).status).toBe(200);
    } finally {
      await before.stop();
    }
    const after = await startArchway({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      const { apiId, value } = await setUp(after);
      expect((await call(after, apiId, '/pets', value)).status).toBe(200);
      expect((await call(after, apiId, '/pets', value)).status).toBe(429);
    } finally {
      await after.stop();
    }
  });
});

describe('Redis unreachable', () => {
  it('--state-failure open serves without limits; closed answers 500', async () => {
    const port = await refusedPort();
    for (const [stateFailure, expected] of [['open', 200], ['closed', 500]] as const) {
      const node = await startArchway({ redisUrl: `redis://127.0.0.1:${port}`, stateFailure });
      try {
        const apiId = await newApi(node.apigateway);
        const response = await call(node, apiId, '/open');
        expect(response.status).toBe(expected);
        if (expected === 500) expect(JSON.parse(response.body)).toEqual({ message: 'Internal server error' });
      } finally {
        await node.stop();
      }
    }
  });
});
