// `archway token` with Archway's own issuer, as a user runs it (run `npm run build` first): a
// token printed before the server starts (the key is made in the data directory) and after,
// accepted by a COGNITO_USER_POOLS method of a pool mapped to `local`; the discovery document
// and JWKS under /_archway/issuer/; a pool without a mapping named in a warning.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  APIGatewayClient, CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { runArchway, spawnArchway, type ArchwayProcess } from '../helpers/archway-process.js';

const POOL = 'us-east-1_Local01';
const UNMAPPED = 'us-east-1_Nowhere1';
const arnOf = (poolId: string) => `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`;

const dataDir = mkdtempSync(join(tmpdir(), 'archway-token-'));
let archway: ArchwayProcess;
let apigateway: APIGatewayClient;
let apiId: string;
let tokenBeforeStart: string;

async function token(...args: string[]): Promise<string> {
  const result = await runArchway(['token', '--user-pool', POOL, '--data-dir', dataDir, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

async function call(path: string, authorization?: string) {
  const response = await request(`${archway.endpoint}/_aws/execute-api/${apiId}/dev${path}`, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.statusCode, body: await response.body.text() };
}

beforeAll(async () => {
  tokenBeforeStart = await token('--username', 'alice', '--claim', 'custom:role=admin');
  archway = await spawnArchway(['--data-dir', dataDir, '--log-level', 'warn', '--user-pool', `${arnOf(POOL)}=local`]);
  apigateway = new APIGatewayClient({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const api = await apigateway.send(new CreateRestApiCommand({ name: 'local-pool' }));
  apiId = api.id!;
  const make = async (name: string, pool: string) => (await apigateway.send(new CreateAuthorizerCommand({
    restApiId: apiId, name, type: 'COGNITO_USER_POOLS', providerARNs: [arnOf(pool)], identitySource: 'method.request.header.Authorization',
  }))).id!;
  const local = await make('local', POOL);
  const unmapped = await make('unmapped', UNMAPPED);
  const methods = [
    { path: 'me', authorizerId: local, scopes: undefined, template: '{"user": "$context.authorizer.claims[\'cognito:username\']", "role": "$context.authorizer.claims[\'custom:role\']"}' },
    { path: 'pets', authorizerId: local, scopes: ['pets/read'], template: '{"sub": "$context.authorizer.claims.sub"}' },
    { path: 'unmapped', authorizerId: unmapped, scopes: undefined, template: 'never' },
  ];
  for (const spec of methods) {
    const resourceId = (await apigateway.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: spec.path }))).id!;
    const method = { restApiId: apiId, resourceId, httpMethod: 'GET' };
    await apigateway.send(new PutMethodCommand({ ...method, authorizationType: 'COGNITO_USER_POOLS', authorizerId: spec.authorizerId, authorizationScopes: spec.scopes }));
    await apigateway.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await apigateway.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await apigateway.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': spec.template } }));
  }
  await apigateway.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
});

afterAll(async () => {
  apigateway?.destroy();
  archway?.child.kill('SIGTERM');
  await archway?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('archway token with the local issuer', () => {
  it('a token printed before Archway started is accepted: the key was made in the data directory', async () => {
    expect(decodeJwt(tokenBeforeStart)).toMatchObject({ token_use: 'id', 'cognito:username': 'alice', iss: `http://localhost:4566/_archway/issuer/${POOL}` });
    expect(await call('/me', `Bearer ${tokenBeforeStart}`)).toEqual({ status: 200, body: '{"user": "alice", "role": "admin"}' });
    expect(await call('/me')).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
  });

  it('access tokens for a method with scopes: a user\'s with --scope, a client\'s with --client-credentials; an ID token is refused', async () => {
    const user = await token('--username', 'bob', '--scope', 'pets/read', '--endpoint', archway.endpoint);
    expect(decodeJwt(user)).toMatchObject({ token_use: 'access', username: 'bob', scope: 'pets/read', iss: `${archway.endpoint}/_archway/issuer/${POOL}` });
    expect((await call('/pets', user)).status).toBe(200);
    const machine = await token('--client-credentials', 'inventory-service', '--scope', 'pets/read', '--scope', 'pets/write');
    expect(decodeJwt(machine)).toMatchObject({ sub: 'inventory-service', client_id: 'inventory-service', token_use: 'access', scope: 'pets/read pets/write' });
    expect(await call('/pets', machine)).toEqual({ status: 200, body: '{"sub": "inventory-service"}' });
    expect((await call('/pets', tokenBeforeStart)).status).toBe(401);
    expect((await call('/pets', await token('--username', 'bob', '--scope', 'pets/write'))).status).toBe(401);
  });

  it('serves the discovery document and JWKS at the address it was reached at', async () => {
    const issuer = `${archway.endpoint}/_archway/issuer/${POOL}`;
    const discovery = await (await request(`${issuer}/.well-known/openid-configuration`)).body.json() as { issuer: string; jwks_uri: string };
    expect(discovery).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
    const jwks = await (await request(discovery.jwks_uri)).body.json() as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([decodeProtectedHeader(tokenBeforeStart).kid]);
    expect(jwks.keys[0].d).toBeUndefined();
    expect((await request(`${archway.endpoint}/_archway/issuer/${UNMAPPED}/.well-known/jwks.json`)).statusCode).toBe(404);
  });

  it('a pool without a mapping is named in a warning, and its methods answer 500 to a token', async () => {
    const warning = `user pool ${UNMAPPED} (authorizer unmapped of API ${apiId}) has no --user-pool mapping`;
    // The log is written asynchronously: wait for the line.
    for (let i = 0; i < 100 && !archway.output().includes(warning); i++) await new Promise((r) => setTimeout(r, 20));
    expect(archway.output()).toContain(warning);
    expect(await call('/unmapped', tokenBeforeStart)).toEqual({ status: 500, body: '{"message":null}' });
  });

  it('archway start names the pool and its issuer', () => {
    expect(archway.output()).toContain(`User pool ${POOL}: Archway's own issuer http://localhost:${archway.port}/_archway/issuer/${POOL} (tokens: archway token --user-pool ${POOL} --username NAME)`);
  });

  it('says what it needs', async () => {
    const missing = await runArchway(['token', '--username', 'alice']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('archway token needs --user-pool ID');
    const neither = await runArchway(['token', '--user-pool', POOL]);
    expect(neither.stderr).toContain('archway token needs either --username NAME or --client-credentials CLIENT_ID');
  });
});
