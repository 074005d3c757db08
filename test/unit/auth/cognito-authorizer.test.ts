// The rules of COGNITO_USER_POOLS methods on verified tokens, the claims as strings, the token
// shapes of Archway's own issuer, and the verifier on locally signed tokens (no network).
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { claimsAsStrings, refusalOf, type CognitoRules } from '../../../src/auth/cognito-rules.js';
import { compileSelectionPattern } from '../../../src/compiler/selection-pattern.js';
import { tokenClaims } from '../../../src/auth/cognito-tokens.js';
import { ISSUER_KEY_FILE, isLocalIssuerOf, LocalIssuer, localIssuerUrl } from '../../../src/auth/local-issuer.js';
import { IssuerUnavailableError, TokenRejectedError, UserPoolVerifier } from '../../../src/auth/user-pool-verifier.js';
import { poolIdOf } from '../../../src/auth/user-pools.js';
import { compileCognitoAuthorizer } from '../../../src/compiler/cognito-authorizer.js';

const ID_ONLY: CognitoRules = { scopes: undefined, audience: undefined };
const rules = (scopes?: string[], audience?: string): CognitoRules => ({ scopes, audience: audience === undefined ? undefined : compileSelectionPattern(audience) });

describe('what a method asks of a token', () => {
  it('without scopes: a Cognito ID token, its aud matched whole by the identityValidationExpression', () => {
    expect(refusalOf({ token_use: 'id', aud: 'app1' }, ID_ONLY)).toBeUndefined();
    expect(refusalOf({ token_use: 'access', scope: 'a' }, ID_ONLY)).toMatch(/ID token is needed/);
    expect(refusalOf({ token_use: 'id', aud: 'app1' }, rules(undefined, 'app[0-9]'))).toBeUndefined();
    expect(refusalOf({ token_use: 'id', aud: 'app12' }, rules(undefined, 'app[0-9]'))).toMatch(/identityValidationExpression/);
    expect(refusalOf({ token_use: 'id' }, rules(undefined, '.*'))).toMatch(/identityValidationExpression/);
    expect(refusalOf({ token_use: 'id', aud: ['x', 'app1'] }, rules(undefined, 'app1'))).toBeUndefined();
  });

  it('with scopes: an access token holding at least one of them in its space-separated scope', () => {
    expect(refusalOf({ token_use: 'access', scope: 'pets/read pets/write' }, rules(['pets/write']))).toBeUndefined();
    expect(refusalOf({ token_use: 'access', scope: 'pets/read' }, rules(['pets/admin']))).toMatch(/none of the method's authorization scopes/);
    expect(refusalOf({ token_use: 'id', scope: 'pets/read' }, rules(['pets/read']))).toMatch(/access token is needed/);
    expect(refusalOf({ token_use: 'access' }, rules(['pets/read']))).toMatch(/none of/);
    // An empty list is no scopes.
    expect(refusalOf({ token_use: 'id' }, rules([]))).toBeUndefined();
    // An identityValidationExpression applies to access tokens too: Cognito's have no aud.
    expect(refusalOf({ token_use: 'access', scope: 'pets/read' }, rules(['pets/read'], '.*'))).toMatch(/identityValidationExpression/);
    expect(refusalOf({ scope: 'pets/read', aud: 'urn:pets' }, rules(['pets/read'], 'urn:pets'))).toBeUndefined();
  });

  it('tokens of other issuers (no token_use): with scope or scp an access token, else an ID token', () => {
    expect(refusalOf({ aud: 'a', scope: 'x y' }, rules(['y']))).toBeUndefined();
    expect(refusalOf({ scp: ['x', 'y'] }, rules(['x']))).toBeUndefined();
    expect(refusalOf({ aud: 'a' }, rules(['x']))).toMatch(/access token is needed/);
    expect(refusalOf({ aud: 'a' }, rules(undefined, 'a'))).toBeUndefined();
    expect(refusalOf({ aud: 'a', scope: 'x' }, ID_ONLY)).toMatch(/ID token is needed/);
  });

  it('claims become strings: exp and iat as Java prints dates, lists joined, objects as JSON', () => {
    const claims = claimsAsStrings({ sub: 's', exp: 1573022214, iat: 1573018614, auth_time: 1573018614, email_verified: true, 'cognito:groups': ['a', 'b'], address: { c: 1 } });
    expect(claims).toEqual({
      sub: 's', exp: 'Wed Nov 06 06:36:54 UTC 2019', iat: 'Wed Nov 06 05:36:54 UTC 2019', auth_time: '1573018614', email_verified: 'true', 'cognito:groups': 'a,b', address: '{"c":1}',
    });
  });
});

describe('the compiled method', () => {
  const authorizers = {
    a1: { id: 'a1', name: 'pool', type: 'COGNITO_USER_POOLS' as const, providerARNs: ['arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_P1', 'bogus'], identitySource: 'method.request.header.X-Token' },
    a2: { id: 'a2', name: 'lambda', type: 'TOKEN' as const, authorizerUri: 'arn:x' },
  };
  it('reads the header, the pools and the scopes once', () => {
    const plan = compileCognitoAuthorizer({ httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'a1', apiKeyRequired: false, authorizationScopes: ['s'] }, authorizers);
    expect(plan).toMatchObject({ header: 'x-token', poolIds: ['us-east-1_P1'], rules: { scopes: ['s'] }, problem: undefined });
  });
  it('a missing or non-Cognito authorizer is a configuration problem (500), other methods have no plan', () => {
    expect(compileCognitoAuthorizer({ httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'a2', apiKeyRequired: false }, authorizers)?.problem).toMatch(/TOKEN/);
    expect(compileCognitoAuthorizer({ httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'zz', apiKeyRequired: false }, authorizers)?.problem).toMatch(/not found/);
    expect(compileCognitoAuthorizer({ httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: false }, authorizers)).toBeUndefined();
  });
  it('pool ids come from ARNs or as they are', () => {
    expect(poolIdOf('arn:aws:cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_aBc9')).toBe('eu-central-1_aBc9');
    expect(poolIdOf('us-east-1_x1')).toBe('us-east-1_x1');
    expect(poolIdOf('userpool/us-east-1_x1')).toBeUndefined();
  });
});

describe("Archway's own issuer", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'archway-issuer-'));
  const POOL = 'us-east-1_Local1';
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its key private in the data directory and reads the same key back', () => {
    const first = LocalIssuer.open(dataDir);
    expect(statSync(join(dataDir, ISSUER_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(LocalIssuer.open(dataDir).kid).toBe(first.kid);
    expect(first.jwks().keys[0]).toMatchObject({ kty: 'RSA', kid: first.kid, alg: 'RS256', use: 'sig' });
    expect(first.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('shapes tokens as Cognito does: ID, user access, client credentials', () => {
    const base = { issuer: 'http://localhost:4566/_archway/issuer/p', poolId: 'p', clientId: 'app', claims: {}, lifetimeSeconds: 3600, now: 1000 };
    const id = tokenClaims({ ...base, username: 'alice', scopes: [] });
    expect(id).toMatchObject({ 'cognito:username': 'alice', aud: 'app', token_use: 'id', auth_time: 1000, iat: 1000, exp: 4600, iss: base.issuer });
    expect(Object.keys(id)).toEqual(expect.arrayContaining(['sub', 'event_id', 'jti', 'origin_jti']));
    expect(tokenClaims({ ...base, username: 'alice', scopes: [] }).sub).toBe(id.sub);
    expect(tokenClaims({ ...base, username: 'alice', scopes: ['a', 'b'], claims: { 'custom:role': 'x' } })).toMatchObject({
      token_use: 'access', scope: 'a b', client_id: 'app', username: 'alice', sub: id.sub, 'custom:role': 'x',
    });
    const m2m = tokenClaims({ ...base, clientId: 'svc', scopes: ['api/read'] });
    expect(m2m).toMatchObject({ sub: 'svc', client_id: 'svc', token_use: 'access', scope: 'api/read' });
    expect(m2m).not.toHaveProperty('username');
    expect(m2m).not.toHaveProperty('aud');
  });

  it('accepts its issuer at any http(s) origin, for its pool only', () => {
    expect(isLocalIssuerOf(localIssuerUrl('http://127.0.0.1:4566', POOL), POOL)).toBe(true);
    expect(isLocalIssuerOf(`https://gw.example${'/_archway/issuer/'}${POOL}`, POOL)).toBe(true);
    expect(isLocalIssuerOf(localIssuerUrl('http://x', 'us-east-1_Other'), POOL)).toBe(false);
    expect(isLocalIssuerOf(`http://x/y/_archway/issuer/${POOL}`, POOL)).toBe(false);
    expect(isLocalIssuerOf(undefined, POOL)).toBe(false);
  });

  it('the verifier: a verified token is remembered until its exp, for its pool only', async () => {
    const issuer = LocalIssuer.open(dataDir);
    const verifier = new UserPoolVerifier({ pools: [{ poolId: POOL, issuer: 'local' }], localIssuer: issuer });
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(tokenClaims({ issuer: localIssuerUrl('http://localhost:4566', POOL), poolId: POOL, clientId: 'app', username: 'u', scopes: [], claims: {}, lifetimeSeconds: 60, now }));
    expect(verifier.remembered(token, [POOL])).toBeUndefined();
    const verified = await verifier.verify(token, [POOL]);
    expect(verified).toMatchObject({ poolId: POOL, claims: { 'cognito:username': 'u', token_use: 'id' } });
    expect(verifier.remembered(token, [POOL])).toBe(verified);
    expect(verifier.remembered(token, ['us-east-1_Other'])).toBeUndefined();
    await expect(verifier.verify(token, ['us-east-1_Other'])).rejects.toBeInstanceOf(IssuerUnavailableError);
  });

  it('the verifier refuses what its key did not sign, an expired token, one without exp, and garbage', async () => {
    const issuer = LocalIssuer.open(dataDir);
    const verifier = new UserPoolVerifier({ pools: [{ poolId: POOL, issuer: 'local' }], localIssuer: issuer });
    const iss = localIssuerUrl('http://localhost:4566', POOL);
    const now = Math.floor(Date.now() / 1000);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await new SignJWT({ iss, token_use: 'id', exp: now + 60 }).setProtectedHeader({ alg: 'RS256', kid: issuer.kid }).sign(stranger);
    await expect(verifier.verify(forged, [POOL])).rejects.toBeInstanceOf(TokenRejectedError);
    await expect(verifier.verify(await issuer.sign({ iss, token_use: 'id', exp: now - 1 }), [POOL])).rejects.toThrow(/exp/);
    await expect(verifier.verify(await issuer.sign({ iss, token_use: 'id' }), [POOL])).rejects.toThrow('the token has no exp');
    await expect(verifier.verify(await issuer.sign({ iss: 'https://elsewhere', exp: now + 60 }), [POOL])).rejects.toThrow(/is not the issuer/);
    await expect(verifier.verify('a.b.c', [POOL])).rejects.toBeInstanceOf(TokenRejectedError);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss, exp: now + 60 })).toString('base64url')}.`;
    await expect(verifier.verify(unsigned, [POOL])).rejects.toBeInstanceOf(TokenRejectedError);
  });

  it('an unreachable issuer is a configuration error (500), not a refused token', async () => {
    const verifier = new UserPoolVerifier({ pools: [{ poolId: POOL, issuer: 'http://127.0.0.1:1' }] });
    const token = await LocalIssuer.open(undefined).sign({ iss: 'http://127.0.0.1:1', exp: Math.floor(Date.now() / 1000) + 60 });
    await expect(verifier.verify(token, [POOL])).rejects.toBeInstanceOf(IssuerUnavailableError);
  });
});
