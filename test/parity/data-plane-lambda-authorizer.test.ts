// AWS parity: Lambda authorizers (TOKEN and REQUEST) on REST methods over real HTTP, with a real
// authorizer function running in Archway — the event it receives, the outcomes and bodies
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html),
// `$context.authorizer` in templates and the Lambda proxy event, the result cache (re-evaluated per
// method), the API key from `usageIdentifierKey`, gateway-response customisation, a resource policy
// combined with the authorizer's, and TestInvokeAuthorizer.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { Redis } from 'ioredis';
import {
  CreateApiKeyCommand, CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand,
  CreateUsagePlanCommand, CreateUsagePlanKeyCommand, GetResourcesCommand, ImportRestApiCommand, PutGatewayResponseCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, TestInvokeAuthorizerCommand, TestInvokeMethodCommand,
  type CreateAuthorizerCommandInput,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { LIMITS } from '../../src/options/limits.js';

const REGION_ACCOUNT = 'arn:aws:execute-api:us-east-1:000000000000';
const functionUri = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${name}/invocations`;

/**
 * The TOKEN authorizer: the token says what to answer. `calls` counts this worker's invocations, so
 * a cached answer shows the count of the call that made it.
 */
const TOKEN_AUTHORIZER = `
let calls = 0;
const policy = (effect, resource) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] });
export const handler = async (event) => {
  calls += 1;
  const [verdict, extra] = event.authorizationToken.split(':');
  switch (verdict) {
    case 'allow':
      return { principalId: 'user-' + (extra ?? '1'), policyDocument: policy('Allow', event.methodArn),
        context: { stringKey: 'value', numberKey: 1, booleanKey: true, calls, event: JSON.stringify(event) }, usageIdentifierKey: extra };
    case 'allow-pets-only':
      return { principalId: 'pets', policyDocument: policy('Allow', event.methodArn.split('/').slice(0, 2).join('/') + '/GET/pets'), context: { calls } };
    case 'deny': return { principalId: 'nobody', policyDocument: policy('Deny', event.methodArn) };
    case 'elsewhere': return { principalId: 'nobody', policyDocument: policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*') };
    case 'unauthorized': throw new Error('Unauthorized');
    case 'malformed': return { principalId: 'x' };
    case 'spoof': return { principalId: 'real', policyDocument: policy('Allow', event.methodArn), context: { principalId: 'admin', integrationLatency: 'forged' } };
    case 'object-context': return { principalId: 'x', policyDocument: policy('Allow', event.methodArn), context: { nested: { a: 1 } } };
    case 'slow': await new Promise((r) => setTimeout(r, 3000)); return {};
    default: throw new Error('boom');
  }
};`;

/** The REQUEST authorizer: allows when the header and the query string agree, and echoes its event. */
const REQUEST_AUTHORIZER = `
export const handler = async (event) => ({
  principalId: 'request-user',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: event.headers['X-User'] === event.queryStringParameters.user ? 'Allow' : 'Deny', Resource: event.methodArn }] },
  context: { event: JSON.stringify(event) },
});`;

/** Allows, and appends a line to CALLS_FILE per invocation: what a test counts across worker threads. */
const COUNTING_AUTHORIZER = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  appendFileSync(process.env.CALLS_FILE, event.authorizationToken + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { principalId: 'counted', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] } };
};`;
const CALLS_FILE = join(mkdtempSync(join(tmpdir(), 'authorizer-calls-')), 'calls');

/** The Lambda proxy backend: answers with the requestContext it was given. */
const PROXY_BACKEND = `export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext) });`;

let archway: TestArchway;

beforeAll(async () => {
  archway = await startArchway();
  const lambda = lambdaClient(archway);
  await createFunction(lambda, 'token-auth', TOKEN_AUTHORIZER);
  await createFunction(lambda, 'request-auth', REQUEST_AUTHORIZER);
  await createFunction(lambda, 'backend', PROXY_BACKEND);
  await createFunction(lambda, 'counting-auth', COUNTING_AUTHORIZER, { Environment: { Variables: { CALLS_FILE } } });
  lambda.destroy();
});
afterAll(async () => {
  await archway?.stop();
  rmSync(dirname(CALLS_FILE), { recursive: true, force: true });
});

interface ApiSetup {
  authorizer?: Partial<CreateAuthorizerCommandInput>;
  policy?: string;
  apiKeySource?: 'HEADER' | 'AUTHORIZER';
  apiKeyRequired?: boolean;
}

/**
 * An API with a CUSTOM GET /pets (MOCK, its body mapping `$context.authorizer`), GET /other (MOCK)
 * and GET /proxy (Lambda proxy), deployed to dev.
 */
async function newApi(setup: ApiSetup = {}): Promise<{ apiId: string; authorizerId: string }> {
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'authorized', policy: setup.policy, apiKeySource: setup.apiKeySource }));
  const authorizer = await gw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: 'tokens', type: 'TOKEN', identitySource: 'method.request.header.Authorization', authorizerUri: functionUri('token-auth'),
    ...setup.authorizer,
  }));
  for (const path of ['pets', 'other', 'proxy']) {
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: path }))).id!;
    const method = { restApiId: api.id, resourceId, httpMethod: 'GET' };
    await gw.send(new PutMethodCommand({ ...method, authorizationType: 'CUSTOM', authorizerId: authorizer.id, apiKeyRequired: setup.apiKeyRequired }));
    if (path === 'proxy') {
      await gw.send(new PutIntegrationCommand({ ...method, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: functionUri('backend') }));
      continue;
    }
    await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({
      ...method, statusCode: '200',
      responseTemplates: { 'application/json': '{"principalId": "$context.authorizer.principalId", "numberKey": "$context.authorizer.numberKey", "booleanKey": "$context.authorizer.booleanKey", "calls": "$context.authorizer.calls", "event": "$util.escapeJavaScript($context.authorizer.event)"}' },
    }));
  }
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return { apiId: api.id!, authorizerId: authorizer.id! };
}

async function call(apiId: string, path: string, headers: Record<string, string> = {}) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), { headers });
  return { status: response.statusCode, errorType: response.headers['x-amzn-errortype'], body: await response.body.text() };
}

describe('TOKEN authorizers', () => {
  let apiId: string;
  beforeAll(async () => {
    ({ apiId } = await newApi({ authorizer: { authorizerResultTtlInSeconds: 0 } }));
  });

  it('an Allow serves the method, with principalId and the context as strings in $context.authorizer', async () => {
    const answer = await call(apiId, '/pets', { Authorization: 'allow' });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({ principalId: 'user-1', numberKey: '1', booleanKey: 'true' });
    // The TOKEN event as AWS documents it: the method ARN names the path as requested.
    expect(JSON.parse(body.event)).toEqual({ type: 'TOKEN', authorizationToken: 'allow', methodArn: `${REGION_ACCOUNT}:${apiId}/dev/GET/pets` });
  });

  it('the Lambda proxy event carries requestContext.authorizer: principalId, integrationLatency and the context', async () => {
    const answer = await call(apiId, '/proxy', { Authorization: 'allow' });
    expect(answer.status).toBe(200);
    const authorizer = JSON.parse(answer.body).authorizer;
    expect(authorizer).toMatchObject({ principalId: 'user-1', stringKey: 'value', numberKey: '1', booleanKey: 'true' });
    expect(typeof authorizer.integrationLatency).toBe('number');
  });

  it('a missing or empty token is 401 Unauthorized without calling the function', async () => {
    expect(await call(apiId, '/pets')).toEqual({ status: 401, errorType: 'UnauthorizedException', body: '{"message":"Unauthorized"}' });
    expect(await call(apiId, '/pets', { Authorization: '' })).toEqual({ status: 401, errorType: 'UnauthorizedException', body: '{"message":"Unauthorized"}' });
  });

  it('the function failing with "Unauthorized" is 401', async () => {
    expect(await call(apiId, '/pets', { Authorization: 'unauthorized' })).toEqual({ status: 401, errorType: 'UnauthorizedException', body: '{"message":"Unauthorized"}' });
  });

  it('a Deny is 403 with an explicit deny; a policy not covering the method is 403 too', async () => {
    expect(await call(apiId, '/pets', { Authorization: 'deny' })).toEqual({
      status: 403, errorType: 'AccessDeniedException', body: '{"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}',
    });
    expect(await call(apiId, '/pets', { Authorization: 'elsewhere' })).toEqual({
      status: 403, errorType: 'AccessDeniedException', body: '{"Message":"User is not authorized to access this resource"}',
    });
  });

  it('a function error or a malformed answer is 500 AuthorizerConfigurationException with a null message', async () => {
    const failure = { status: 500, errorType: 'AuthorizerConfigurationException', body: '{"message":null}' };
    expect(await call(apiId, '/pets', { Authorization: 'boom' })).toEqual(failure);
    expect(await call(apiId, '/pets', { Authorization: 'malformed' })).toEqual(failure);
    // REST context values must be strings, numbers or booleans.
    expect(await call(apiId, '/pets', { Authorization: 'object-context' })).toEqual(failure);
  });

  it('the answer\'s own principalId and the measured latency win over context keys of those names', async () => {
    const answer = await call(apiId, '/proxy', { Authorization: 'spoof' });
    const authorizer = JSON.parse(answer.body).authorizer;
    expect(authorizer.principalId).toBe('real');
    expect(typeof authorizer.integrationLatency).toBe('number');
  });

  it('without caching, every request calls the function', async () => {
    const first = JSON.parse((await call(apiId, '/pets', { Authorization: 'allow' })).body).calls;
    const second = JSON.parse((await call(apiId, '/pets', { Authorization: 'allow' })).body).calls;
    expect(Number(second)).toBeGreaterThan(Number(first));
  });
});

describe('limits', () => {
  it('a method ARN over 1600 bytes is 414 on an authorized method', async () => {
    const gw = archway.apigateway;
    const api = await gw.send(new CreateRestApiCommand({ name: 'long-paths' }));
    const authorizer = await gw.send(new CreateAuthorizerCommand({
      restApiId: api.id, name: 'tokens', type: 'TOKEN', identitySource: 'method.request.header.Authorization', authorizerUri: functionUri('token-auth'),
    }));
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: '{proxy+}' }))).id!;
    const method = { restApiId: api.id, resourceId, httpMethod: 'GET' };
    await gw.send(new PutMethodCommand({ ...method, authorizationType: 'CUSTOM', authorizerId: authorizer.id }));
    await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': 'ok' } }));
    await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    expect((await call(api.id!, `/${'a'.repeat(1400)}`, { Authorization: 'allow' })).status).toBe(200);
    expect((await call(api.id!, `/${'a'.repeat(1600)}`, { Authorization: 'allow' })).status).toBe(414);
  });
});

describe('the identity validation expression', () => {
  it('refuses a token it does not match with 401, before any call', async () => {
    const { apiId } = await newApi({ authorizer: { identityValidationExpression: 'allow.*' } });
    expect((await call(apiId, '/pets', { Authorization: 'allow' })).status).toBe(200);
    expect(await call(apiId, '/pets', { Authorization: 'deny' })).toEqual({ status: 401, errorType: 'UnauthorizedException', body: '{"message":"Unauthorized"}' });
  });
});

describe('the result cache', () => {
  it('reuses an answer for the same token for its TTL, and evaluates its policy against each method', async () => {
    const { apiId } = await newApi({ authorizer: { authorizerResultTtlInSeconds: 300 } });
    const first = JSON.parse((await call(apiId, '/pets', { Authorization: 'allow-pets-only' })).body);
    const second = JSON.parse((await call(apiId, '/pets', { Authorization: 'allow-pets-only' })).body);
    expect(second.calls).toBe(first.calls);
    // The cached policy allows only GET /pets: the same token on GET /other is refused.
    expect(await call(apiId, '/other', { Authorization: 'allow-pets-only' })).toEqual({
      status: 403, errorType: 'AccessDeniedException', body: '{"Message":"User is not authorized to access this resource"}',
    });
  });

  it('requests with one token arriving together on a cold cache share one function call', async () => {
    const { apiId } = await newApi({ authorizer: { authorizerResultTtlInSeconds: 300, authorizerUri: functionUri('counting-auth') } });
    const together = await Promise.all(Array.from({ length: 20 }, () => call(apiId, '/pets', { Authorization: 'together' })));
    expect(together.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(readFileSync(CALLS_FILE, 'utf8')).toBe('together\n');
    expect((await call(apiId, '/pets', { Authorization: 'another' })).status).toBe(200);
    expect(readFileSync(CALLS_FILE, 'utf8')).toBe('together\nanother\n');
  });

  it('keeps answers apart per stage: another stage with the same token calls the function again', async () => {
    const { apiId } = await newApi({ authorizer: { authorizerResultTtlInSeconds: 300 } });
    await archway.apigateway.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
    const dev = Number(JSON.parse((await call(apiId, '/pets', { Authorization: 'allow-pets-only' })).body).calls);
    const prodResponse = await request(archway.invokeUrl(apiId, 'prod', '/pets'), { headers: { authorization: 'allow-pets-only' } });
    const prod = Number(JSON.parse(await prodResponse.body.text()).calls);
    expect(prod).not.toBe(dev);
  });

  it('with --redis, keeps the answer in Redis for the TTL, for every process using it', async () => {
    const shared = await startArchway({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      const apiId = await authorizedRootApi(shared, 'redis-cached', '$context.authorizer.calls');
      const token = `allow:${Date.now()}`;
      const calls = async () => (await request(shared.invokeUrl(apiId, 'dev', '/'), { headers: { authorization: token } })).body.text();
      const first = await calls();
      expect(first).toMatch(/^\d+$/);
      expect(await calls()).toBe(first);
      // What another process reads: the answer under a key naming the API stage, expiring with the TTL.
      const redis = new Redis('redis://127.0.0.1:6379');
      try {
        const [key] = await redis.keys(`archway:authorizer:${apiId}/dev/*`);
        expect(key).toBeDefined();
        // The identity is hashed into the key: no caller's token sits in Redis in clear text.
        expect(key).not.toContain(token);
        expect(await redis.pttl(key)).toBeGreaterThan(0);
        expect(await redis.pttl(key)).toBeLessThanOrEqual(300_000);
        expect(await redis.get(key)).toContain('"principalId":"user-');
      } finally {
        redis.disconnect();
      }
    } finally {
      await shared.stop();
    }
  });
});

describe('REQUEST authorizers', () => {
  it('reads headers and query strings, gets the REQUEST event, and refuses a missing source with 401', async () => {
    const { apiId } = await newApi({
      authorizer: { type: 'REQUEST', authorizerUri: functionUri('request-auth'), identitySource: 'method.request.header.X-User, method.request.querystring.user' },
    });
    const answer = await call(apiId, '/pets?user=alice', { 'X-User': 'alice' });
    expect(answer.status).toBe(200);
    const event = JSON.parse(JSON.parse(answer.body).event);
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: `${REGION_ACCOUNT}:${apiId}/dev/GET/pets`,
      resource: '/pets',
      path: '/pets',
      httpMethod: 'GET',
      headers: { 'X-User': 'alice' },
      multiValueHeaders: { 'X-User': ['alice'] },
      queryStringParameters: { user: 'alice' },
      multiValueQueryStringParameters: { user: ['alice'] },
      requestContext: { resourcePath: '/pets', httpMethod: 'GET', stage: 'dev', apiId },
    });
    expect(event).not.toHaveProperty('body');
    expect((await call(apiId, '/pets?user=bob', { 'X-User': 'alice' })).status).toBe(403);
    expect((await call(apiId, '/pets', { 'X-User': 'alice' })).status).toBe(401);
  });
});

describe('with a resource policy', () => {
  const allow = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: resource }] });

  it('a resource-policy Allow admits what the authorizer is silent about; without it the silence is a 403', async () => {
    const { apiId } = await newApi({ policy: allow('execute-api:/*/GET/pets') });
    expect((await call(apiId, '/pets', { Authorization: 'elsewhere' })).status).toBe(200);
    expect((await call(apiId, '/other', { Authorization: 'elsewhere' })).status).toBe(403);
    // An authorizer Deny wins over the resource policy's Allow.
    expect((await call(apiId, '/pets', { Authorization: 'deny' })).status).toBe(403);
  });
});

describe('API keys from the authorizer (apiKeySource AUTHORIZER)', () => {
  it('the usageIdentifierKey is the key the usage plan checks', async () => {
    const { apiId } = await newApi({ apiKeySource: 'AUTHORIZER', apiKeyRequired: true, authorizer: { authorizerResultTtlInSeconds: 0 } });
    const gw = archway.apigateway;
    const value = `authorizer-key-${Date.now()}-abcdefgh`;
    const key = await gw.send(new CreateApiKeyCommand({ name: `k-${Date.now()}`, enabled: true, value }));
    const plan = await gw.send(new CreateUsagePlanCommand({ name: `p-${Date.now()}`, apiStages: [{ apiId, stage: 'dev' }] }));
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    let answer = await call(apiId, '/pets', { Authorization: `allow:${value}` });
    for (let i = 0; i < 50 && answer.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20)); // the usage plan reaches the data plane through the change feed
      answer = await call(apiId, '/pets', { Authorization: `allow:${value}` });
    }
    expect(answer.status).toBe(200);
    // A key the plan does not know, or none at all: 403 Forbidden; x-api-key is not read.
    expect(await call(apiId, '/pets', { Authorization: 'allow:unknown-key-value-0000', 'x-api-key': value })).toEqual({ status: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}' });
  });
});

describe('gateway responses', () => {
  it('UNAUTHORIZED and ACCESS_DENIED can be customised', async () => {
    const { apiId } = await newApi();
    const gw = archway.apigateway;
    await gw.send(new PutGatewayResponseCommand({ restApiId: apiId, responseType: 'UNAUTHORIZED', statusCode: '401', responseTemplates: { 'application/json': '{"error": "log in first"}' } }));
    await gw.send(new PutGatewayResponseCommand({ restApiId: apiId, responseType: 'ACCESS_DENIED', responseParameters: { 'gatewayresponse.header.X-Denied': "'yes'" } }));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
    expect((await call(apiId, '/pets')).body).toBe('{"error": "log in first"}');
    const denied = await request(archway.invokeUrl(apiId, 'dev', '/pets'), { headers: { authorization: 'deny' } });
    await denied.body.text();
    expect(denied.headers['x-denied']).toBe('yes');
  });
});

describe('a slow authorizer', () => {
  it('past --authorizer-timeout is a 500 AuthorizerConfigurationException', async () => {
    const quick = await startArchway({ limits: { ...LIMITS, authorizerTimeoutMs: 500 } });
    try {
      const apiId = await authorizedRootApi(quick, 'slow', undefined);
      const response = await request(quick.invokeUrl(apiId, 'dev', '/'), { headers: { authorization: 'slow' } });
      expect(response.statusCode).toBe(500);
      expect(response.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
      expect(await response.body.text()).toBe('{"message":null}');
    } finally {
      await quick.stop();
    }
  });
});

describe('OpenAPI', () => {
  it('an imported x-amazon-apigateway-authorizer scheme and its security requirement are enforced', async () => {
    const document = {
      openapi: '3.0.1',
      info: { title: 'imported-authorizer', version: '1' },
      paths: {
        '/pets': {
          get: {
            security: [{ tokens: [] }],
            responses: { 200: { description: 'ok' } },
            'x-amazon-apigateway-integration': {
              type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
              responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"who": "$context.authorizer.principalId"}' } } },
            },
          },
        },
      },
      components: {
        securitySchemes: {
          tokens: {
            type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: functionUri('token-auth'), authorizerResultTtlInSeconds: 0 },
          },
        },
      },
    };
    const api = await archway.apigateway.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(document)) }));
    await archway.apigateway.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    expect((await call(api.id!, '/pets')).status).toBe(401);
    expect(await call(api.id!, '/pets', { Authorization: 'allow:7' })).toMatchObject({ status: 200, body: '{"who": "user-7"}' });
  });
});

describe('TestInvokeAuthorizer and TestInvokeMethod', () => {
  it('TestInvokeAuthorizer calls the function with the given headers and returns its principal and policy', async () => {
    const { apiId, authorizerId } = await newApi();
    const out = await archway.apigateway.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId, headers: { Authorization: 'allow' } }));
    expect(out.clientStatus).toBe(200);
    expect(out.principalId).toBe('user-1');
    expect(JSON.parse(out.policy!)).toMatchObject({ Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke' }] });
    expect(out.log).toContain('Authorizer result body before parsing');
    const missing = await archway.apigateway.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId, headers: {} }));
    expect(missing.clientStatus).toBe(401);
    const failing = await archway.apigateway.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId, headers: { Authorization: 'boom' } }));
    expect(failing.clientStatus).toBe(500);
    // A Deny is a well-formed answer: the test shows it (no method is involved).
    const denying = await archway.apigateway.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId, headers: { Authorization: 'deny' } }));
    expect(denying.clientStatus).toBe(200);
    expect(JSON.parse(denying.policy!)).toMatchObject({ Statement: [{ Effect: 'Deny' }] });
  });

  it('TestInvokeMethod runs the authorizer with the headers it is given', async () => {
    const { apiId } = await newApi();
    const gw = archway.apigateway;
    const resources = await gw.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: await resourceIdOf(apiId, '/pets'), httpMethod: 'GET', headers: { Authorization: 'allow:42' } }));
    expect(resources.status).toBe(200);
    expect(JSON.parse(resources.body!).principalId).toBe('user-42');
    const denied = await gw.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: await resourceIdOf(apiId, '/pets'), httpMethod: 'GET', headers: {} }));
    expect(denied.status).toBe(401);
  });

  it('TestInvokeMethod combines the authorizer with the resource policy as a real request does', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] });
    const { apiId } = await newApi({ policy });
    const out = await archway.apigateway.send(new TestInvokeMethodCommand({
      restApiId: apiId, resourceId: await resourceIdOf(apiId, '/pets'), httpMethod: 'GET', headers: { Authorization: 'elsewhere' },
    }));
    // The authorizer's policy says nothing about this method; the resource policy allows it.
    expect(out.status).toBe(200);
  });
});

/**
 * On another Archway: the TOKEN authorizer's function, and an API whose `GET /` is CUSTOM with it,
 * a MOCK answering `template` (none: no integration response), deployed to dev.
 */
async function authorizedRootApi(other: TestArchway, name: string, template: string | undefined): Promise<string> {
  const lambda = lambdaClient(other);
  await createFunction(lambda, 'token-auth', TOKEN_AUTHORIZER, { Timeout: 10 });
  lambda.destroy();
  const gw = other.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name }));
  const authorizer = await gw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: 'tokens', type: 'TOKEN', identitySource: 'method.request.header.Authorization', authorizerUri: functionUri('token-auth'),
  }));
  const method = { restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET' };
  await gw.send(new PutMethodCommand({ ...method, authorizationType: 'CUSTOM', authorizerId: authorizer.id }));
  await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  if (template !== undefined) {
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': template } }));
  }
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return api.id!;
}

async function resourceIdOf(apiId: string, path: string): Promise<string> {
  const resources = await archway.apigateway.send(new GetResourcesCommand({ restApiId: apiId }));
  return resources.items!.find((resource) => resource.path === path)!.id!;
}
