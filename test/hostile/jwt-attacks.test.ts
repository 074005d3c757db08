// Tokens an attacker can send a COGNITO_USER_POOLS method: a flood of tokens naming unknown key
// ids (each could make the gateway fetch the issuer's JWKS again: at most once per
// --jwks-refetch-interval), `alg: none`, an HMAC signed with the public key as its secret
// (algorithm confusion), a huge garbage token. All 401; the issuer is not hammered; the gateway
// keeps serving valid tokens.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import {
  CreateAuthorizerCommand, CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer.js';

const POOL = 'us-east-1_Hostile1';
let oidc: OidcIssuer;
let archway: TestArchway;
let url: string;

beforeAll(async () => {
  oidc = await startOidcIssuer();
  archway = await startArchway({ userPools: [{ poolId: POOL, issuer: oidc.issuer }] });
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'guarded' }));
  const authorizer = await gw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}`],
  }));
  const method = { restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET' };
  await gw.send(new PutMethodCommand({ ...method, authorizationType: 'COGNITO_USER_POOLS', authorizerId: authorizer.id }));
  await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': 'ok' } }));
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  url = archway.invokeUrl(api.id!, 'dev', '/');
});

afterAll(async () => {
  await archway?.stop();
  await oidc?.stop();
});

async function status(token: string): Promise<number> {
  const response = await request(url, { headers: { authorization: token } });
  await response.body.dump();
  return response.statusCode;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile tokens on a Cognito method', () => {
  it('a flood of unknown key ids does not make the gateway fetch the JWKS again and again', async () => {
    const valid = await oidc.idToken('alice', { token_use: 'id' });
    expect(await status(valid)).toBe(200);
    const fetched = oidc.jwksFetches();
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const claims = { iss: oidc.issuer, token_use: 'id', aud: 'pets-app', exp: Math.floor(Date.now() / 1000) + 600 };
    const forged = await Promise.all(Array.from({ length: 100 }, () => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: randomUUID() }).sign(attacker)));
    const answers = await Promise.all(forged.map(status));
    expect(answers.every((answer) => answer === 401)).toBe(true);
    // At most one refetch per interval (30 s by default), however many tokens ask.
    expect(oidc.jwksFetches() - fetched).toBeLessThanOrEqual(1);
    expect(await status(valid)).toBe(200);
  });

  it('alg none, an HMAC keyed with the public key, a huge garbage token: 401, and the gateway serves on', async () => {
    const valid = await oidc.idToken('bob', { token_use: 'id' });
    const [header, payload] = valid.split('.');
    const kid = decodeProtectedHeader(valid).kid!;
    const jwks = await (await fetch(`${oidc.issuer}/jwks`)).json() as { keys: { n: string }[] };
    const confused = await new SignJWT({ iss: oidc.issuer, token_use: 'id', exp: Math.floor(Date.now() / 1000) + 600 })
      .setProtectedHeader({ alg: 'HS256', kid }).sign(Buffer.from(jwks.keys[0].n));
    expect(await status(`${b64({ alg: 'none', kid })}.${payload}.`)).toBe(401);
    expect(await status(`${header}.${payload}`)).toBe(401);
    expect(await status(confused)).toBe(401);
    expect(await status(`${'A'.repeat(4000)}.${'B'.repeat(4000)}.${'C'.repeat(1000)}`)).toBe(401);
    expect(await status(valid)).toBe(200);
    expect((await request(`${archway.endpoint}/_archway/health`)).statusCode).toBe(200);
  });
});
