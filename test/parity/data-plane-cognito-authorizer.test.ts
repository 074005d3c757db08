// AWS parity: COGNITO_USER_POOLS authorizers over real HTTP, the API built with the AWS SDK and
// its tokens signed by a real OpenID Connect issuer (oidc-provider) the pool is mapped to
// (`--user-pool POOL=ISSUER`): ID tokens without method scopes (aud against the
// identityValidationExpression), access tokens with them, expiry, a rotated signing key, the
// claims in `$context.authorizer.claims` and the Lambda proxy event, a resource policy that must
// still Allow, a pool without an issuer, TestInvokeMethod with its own headers.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetAuthorizersCommand, GetExportCommand, GetResourcesCommand,
  ImportRestApiCommand, PutGatewayResponseCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, TestInvokeMethodCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { CLIENT_ID, OTHER_CLIENT_ID, startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer.js';
import { LIMITS } from '../../src/options/limits.js';

const POOL = 'us-east-1_Pets0001';
const UNMAPPED_POOL = 'us-east-1_Nowhere01';
const arnOf = (poolId: string) => `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`;
const UNAUTHORIZED = { status: 401, errorType: 'UnauthorizedException', body: '{"message":"Unauthorized"}' };

let oidc: OidcIssuer;
let archway: TestArchway;
let lambda: LambdaClient;
let gw: APIGatewayClient;

interface MethodSpec {
  path: string;
  authorizerId: string;
  scopes?: string[];
  /** A MOCK answering this template; else the Lambda echo. */
  template?: string;
  lambdaArn?: string;
}

async function buildApi(name: string, methods: MethodSpec[], policy?: string): Promise<{ apiId: string; resources: Record<string, string> }> {
  const apiId = (await gw.send(new CreateRestApiCommand({ name, policy }))).id!;
  const rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items![0].id!;
  const resources: Record<string, string> = {};
  for (const spec of methods) {
    const authorizerId = spec.authorizerId.startsWith('@') ? await authorizer(apiId, spec.authorizerId.slice(1)) : spec.authorizerId;
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: spec.path }))).id!;
    resources[spec.path] = resourceId;
    const method = { restApiId: apiId, resourceId, httpMethod: 'GET' };
    await gw.send(new PutMethodCommand({ ...method, authorizationType: 'COGNITO_USER_POOLS', authorizerId, authorizationScopes: spec.scopes }));
    if (spec.lambdaArn !== undefined) {
      await gw.send(new PutIntegrationCommand({
        ...method, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${spec.lambdaArn}/invocations`,
      }));
      continue;
    }
    await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': spec.template ?? 'ok' } }));
  }
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
  return { apiId, resources };
}

/** Authorizers by the name given in a spec: `@ids` (ID tokens of pets-app), `@access`, `@unmapped`. */
const AUTHORIZERS: Record<string, { pool: string; identityValidationExpression?: string }> = {
  ids: { pool: POOL, identityValidationExpression: CLIENT_ID },
  access: { pool: POOL },
  unmapped: { pool: UNMAPPED_POOL },
};
const created = new Map<string, string>();

async function authorizer(apiId: string, name: string): Promise<string> {
  const key = `${apiId}/${name}`;
  if (!created.has(key)) {
    const { pool, identityValidationExpression } = AUTHORIZERS[name];
    const out = await gw.send(new CreateAuthorizerCommand({
      restApiId: apiId, name, type: 'COGNITO_USER_POOLS', providerARNs: [arnOf(pool)], identitySource: 'method.request.header.Authorization', identityValidationExpression,
    }));
    created.set(key, out.id!);
  }
  return created.get(key)!;
}

async function call(apiId: string, path: string, token?: string) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), { headers: token === undefined ? {} : { authorization: token } });
  return { status: response.statusCode, errorType: response.headers['x-amzn-errortype'], body: await response.body.text() };
}

let main: { apiId: string; resources: Record<string, string> };

beforeAll(async () => {
  oidc = await startOidcIssuer();
  // Refetching the JWKS at once for an unknown kid: the rotation test needs no waiting.
  archway = await startArchway({ userPools: [{ poolId: POOL, issuer: oidc.issuer }], limits: { ...LIMITS, jwksRefetchIntervalMs: 0 } });
  gw = archway.apigateway;
  lambda = lambdaClient(archway);
  const echo = await createFunction(lambda, 'echo-authorizer', 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) });');
  main = await buildApi('pets', [
    { path: 'me', authorizerId: '@ids', template: '{"sub": "$context.authorizer.claims.sub", "user": "$context.authorizer.claims[\'cognito:username\']"}' },
    { path: 'event', authorizerId: '@ids', lambdaArn: echo },
    { path: 'pets', authorizerId: '@access', scopes: ['pets/read', 'pets/admin'] },
    { path: 'admin', authorizerId: '@access', scopes: ['pets/admin'] },
    { path: 'anyone', authorizerId: '@access' },
    { path: 'scoped-aud', authorizerId: '@ids', scopes: ['pets/read'] },
    { path: 'unmapped', authorizerId: '@unmapped' },
  ]);
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
  await oidc?.stop();
});

describe('ID tokens (a method without authorization scopes)', () => {
  it('no token, an empty one or a malformed one: 401 Unauthorized', async () => {
    expect(await call(main.apiId, '/me')).toEqual(UNAUTHORIZED);
    expect(await call(main.apiId, '/me', '')).toEqual(UNAUTHORIZED);
    expect(await call(main.apiId, '/me', 'Bearer not.a.jwt')).toEqual(UNAUTHORIZED);
  });

  it('a valid ID token, raw or after Bearer: the claims reach $context.authorizer.claims', async () => {
    const token = await oidc.idToken('alice-sub', { token_use: 'id', 'cognito:username': 'alice' });
    const expected = { status: 200, errorType: undefined, body: '{"sub": "alice-sub", "user": "alice"}' };
    expect(await call(main.apiId, '/me', token)).toEqual(expected);
    expect(await call(main.apiId, '/me', `Bearer ${token}`)).toEqual(expected);
  });

  it('claims reach the Lambda proxy event as strings, exp and iat as Java prints dates', async () => {
    const token = await oidc.idToken('bob-sub', { token_use: 'id', 'cognito:username': 'bob', auth_time: 1700000000, email_verified: true });
    const { status, body } = await call(main.apiId, '/event', token);
    expect(status).toBe(200);
    const { claims } = JSON.parse(body) as { claims: Record<string, unknown> };
    expect(claims).toMatchObject({ sub: 'bob-sub', 'cognito:username': 'bob', token_use: 'id', aud: CLIENT_ID, iss: oidc.issuer, auth_time: '1700000000', email_verified: 'true' });
    expect(claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('an aud the identityValidationExpression does not match: 401', async () => {
    const token = await oidc.idToken('carol', { token_use: 'id' }, { clientId: OTHER_CLIENT_ID });
    expect(await call(main.apiId, '/me', token)).toEqual(UNAUTHORIZED);
    // The same token where the authorizer has no expression is accepted.
    expect((await call(main.apiId, '/anyone', token)).status).toBe(200);
  });

  it('an expired token: 401', async () => {
    const token = await oidc.idToken('dave', { token_use: 'id' }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expect(await call(main.apiId, '/me', token)).toEqual(UNAUTHORIZED);
  });

  it('a token whose signature does not verify: 401', async () => {
    const [header, payload] = (await oidc.idToken('eve', { token_use: 'id' })).split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged signature').toString('base64url')}`;
    expect(await call(main.apiId, '/me', forged)).toEqual(UNAUTHORIZED);
  });

  it('an access token where an ID token is needed: 401', async () => {
    expect(await call(main.apiId, '/me', await oidc.clientCredentials(['pets/read']))).toEqual(UNAUTHORIZED);
  });
});

describe('access tokens (a method with authorization scopes)', () => {
  it('a client-credentials token with one of the method\'s scopes is served', async () => {
    const token = await oidc.clientCredentials(['pets/read']);
    expect(await call(main.apiId, '/pets', token)).toEqual({ status: 200, errorType: undefined, body: 'ok' });
  });

  it('none of the method\'s scopes, or an ID token: 401', async () => {
    expect(await call(main.apiId, '/admin', await oidc.clientCredentials(['pets/read', 'pets/write']))).toEqual(UNAUTHORIZED);
    expect(await call(main.apiId, '/pets', await oidc.idToken('alice', { token_use: 'id' }))).toEqual(UNAUTHORIZED);
  });

  it('an identityValidationExpression applies to access tokens too: an aud it does not match is refused', async () => {
    expect(await call(main.apiId, '/scoped-aud', await oidc.clientCredentials(['pets/read']))).toEqual(UNAUTHORIZED);
  });
});

describe('the issuer', () => {
  it('a rotated signing key: the unknown kid fetches the JWKS again, and the new token is served', async () => {
    expect((await call(main.apiId, '/me', await oidc.idToken('before', { token_use: 'id' }))).status).toBe(200);
    oidc.rotate();
    const after = await oidc.idToken('after', { token_use: 'id' });
    expect(await call(main.apiId, '/me', after)).toEqual({ status: 200, errorType: undefined, body: '{"sub": "after", "user": ""}' });
  });

  it('a pool with no issuer mapped: 500 AUTHORIZER_CONFIGURATION_ERROR for a token, 401 without one', async () => {
    expect(await call(main.apiId, '/unmapped')).toEqual(UNAUTHORIZED);
    const token = await oidc.idToken('alice', { token_use: 'id' });
    expect(await call(main.apiId, '/unmapped', token)).toEqual({ status: 500, errorType: 'AuthorizerConfigurationException', body: '{"message":null}' });
  });

  it('the UNAUTHORIZED gateway response is customisable', async () => {
    const api = await buildApi('custom-401', [{ path: 'me', authorizerId: '@ids' }]);
    await gw.send(new PutGatewayResponseCommand({ restApiId: api.apiId, responseType: 'UNAUTHORIZED', responseTemplates: { 'application/json': '{"error": "sign in first"}' } }));
    await gw.send(new CreateDeploymentCommand({ restApiId: api.apiId, stageName: 'dev' }));
    expect(await call(api.apiId, '/me')).toEqual({ status: 401, errorType: 'UnauthorizedException', body: '{"error": "sign in first"}' });
  });
});

describe('with a resource policy', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/dev/GET/me' }],
  });

  it('the token is checked first (401), then the policy must explicitly Allow (403 otherwise)', async () => {
    const api = await buildApi('guarded', [{ path: 'me', authorizerId: '@ids', template: 'me' }, { path: 'other', authorizerId: '@ids', template: 'other' }], policy);
    const token = await oidc.idToken('alice', { token_use: 'id' });
    expect(await call(api.apiId, '/me', token)).toEqual({ status: 200, errorType: undefined, body: 'me' });
    expect(await call(api.apiId, '/other')).toEqual(UNAUTHORIZED);
    expect(await call(api.apiId, '/other', token)).toEqual({
      status: 403,
      errorType: 'AccessDeniedException',
      body: JSON.stringify({ Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:${api.apiId}/dev/GET/other` }),
    });
  });
});

describe('TestInvokeMethod', () => {
  it('runs the authorizer with the headers it is given', async () => {
    const method = { restApiId: main.apiId, resourceId: main.resources.me, httpMethod: 'GET' };
    const token = await oidc.idToken('tester', { token_use: 'id', 'cognito:username': 'tester' });
    const served = await gw.send(new TestInvokeMethodCommand({ ...method, headers: { Authorization: token } }));
    expect({ status: served.status, body: served.body }).toEqual({ status: 200, body: '{"sub": "tester", "user": "tester"}' });
    const refused = await gw.send(new TestInvokeMethodCommand(method));
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
  });
});

describe('from OpenAPI', () => {
  const document = {
    openapi: '3.0.1',
    info: { title: 'pets-openapi', version: '1' },
    paths: {
      '/pets': {
        get: {
          security: [{ pool: ['pets/read'] }],
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"client": "$context.authorizer.claims.client_id"}' } } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        pool: {
          type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools',
          'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [arnOf(POOL)] },
        },
      },
    },
  };

  it('a cognito_user_pools scheme and a requirement with scopes protect the method, and export gives them back', async () => {
    const apiId = (await gw.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(document)), failOnWarnings: true }))).id!;
    const [authorizer] = (await gw.send(new GetAuthorizersCommand({ restApiId: apiId }))).items!;
    expect(authorizer).toMatchObject({ name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [arnOf(POOL)], identitySource: 'method.request.header.Authorization' });
    const pets = (await gw.send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }))).items!.find((r) => r.path === '/pets')!;
    expect(pets.resourceMethods!.GET).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: authorizer.id, authorizationScopes: ['pets/read'] });
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));

    expect(await call(apiId, '/pets')).toEqual(UNAUTHORIZED);
    expect(await call(apiId, '/pets', await oidc.clientCredentials(['pets/read']))).toEqual({ status: 200, errorType: undefined, body: `{"client": "${CLIENT_ID}"}` });

    const exported = JSON.parse(Buffer.from((await gw.send(new GetExportCommand({ restApiId: apiId, stageName: 'dev', exportType: 'oas30', parameters: { extensions: 'authorizers' } }))).body!).toString('utf8')) as {
      paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: Record<string, unknown> };
    };
    expect(exported.paths['/pets'].get.security).toEqual([{ pool: ['pets/read'] }]);
    expect(exported.components.securitySchemes.pool).toMatchObject(document.components.securitySchemes.pool);
  });
});
