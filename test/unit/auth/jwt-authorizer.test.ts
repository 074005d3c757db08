// HTTP API JWT authorizers against real issuers on loopback: oidc-provider (test/helpers) for
// tokens as an OAuth server mints them, and Archway's own issuer key (local-issuer.ts) behind a
// small discovery/JWKS server for tokens with any claims. What a route gets: the claims as
// strings, the scopes, or 401/403 with AWS's challenge.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { CLIENT_ID, RESOURCE, startOidcIssuer, type OidcIssuer } from '../../helpers/oidc-issuer.js';
import { LocalIssuer } from '../../../src/auth/local-issuer.js';
import {
  isRefused, jwtTokenSource, JwtAuthorizers, readJwtIdentity, type JwtAuthorized, type JwtAuthorizerConfig, type JwtRefused, type JwtVerdict,
} from '../../../src/auth/jwt-authorizer.js';

const now = () => Math.floor(Date.now() / 1000);
const challenge = (description: string, scope = '') => `Bearer scope="${scope}" error="invalid_token" error_description="${description}"`;

/** Archway's issuer key served at `{origin}{path}`: discovery for any path, the JWKS at `/jwks`, an oversized one at `/big-jwks`. */
async function startLocalIssuer(): Promise<{ origin: string; key: LocalIssuer; jwksFetches: () => number; stop: () => Promise<void> }> {
  const key = LocalIssuer.open(undefined);
  let jwksFetches = 0;
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const discovery = '/.well-known/openid-configuration';
    let body: unknown;
    if (path.endsWith(discovery)) {
      const issuer = `${origin}${path.slice(0, -discovery.length)}`;
      body = { ...key.discovery(issuer), jwks_uri: `${origin}${issuer.endsWith('/big') ? '/big-jwks' : '/jwks'}` };
    } else if (path === '/jwks') {
      jwksFetches++;
      body = key.jwks();
    } else if (path === '/big-jwks') {
      body = { keys: [...key.jwks().keys, { kty: 'oct', kid: 'padding', k: 'A'.repeat(150_000) }] };
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin, key, jwksFetches: () => jwksFetches,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let oidc: OidcIssuer;
let local: Awaited<ReturnType<typeof startLocalIssuer>>;
let localIss: string;
const authorizers = new JwtAuthorizers();

beforeAll(async () => {
  oidc = await startOidcIssuer();
  local = await startLocalIssuer();
  localIss = `${local.origin}/_archway/issuer/us-east-1_Jwt1`;
});

afterAll(async () => {
  await oidc?.stop();
  await local?.stop();
});

const oidcAuthorizer = (audience = [RESOURCE]): JwtAuthorizerConfig => ({ issuer: oidc.issuer, audience });
const localAuthorizer = (audience = ['app']): JwtAuthorizerConfig => ({ issuer: localIss, audience });
const signLocal = (claims: JWTPayload) => local.key.sign({ iss: localIss, iat: now(), exp: now() + 300, ...claims });

async function authorized(verdict: JwtVerdict | Promise<JwtVerdict>): Promise<JwtAuthorized> {
  const answer = await verdict;
  if (isRefused(answer)) throw new Error(`refused: ${answer.status} ${answer.reason}`);
  return answer;
}

async function refused(verdict: JwtVerdict | Promise<JwtVerdict>): Promise<JwtRefused> {
  const answer = await verdict;
  if (!isRefused(answer)) throw new Error(`authorized: ${JSON.stringify(answer.claims)}`);
  return answer;
}

describe('a valid token', () => {
  it('reaches the route with its claims as strings and the route scopes it holds, Bearer prefix or not', async () => {
    const token = await oidc.clientCredentials(['pets/read']);
    const verdict = await authorized(authorizers.verify(oidcAuthorizer(), `Bearer ${token}`, ['pets/read', 'pets/admin']));
    expect(verdict.scopes).toEqual(['pets/read']);
    expect(verdict.claims).toMatchObject({ iss: oidc.issuer, aud: RESOURCE, client_id: CLIENT_ID, scope: 'pets/read' });
    expect(verdict.claims.exp).toMatch(/^\d{10}$/);
    expect(Object.values(verdict.claims).every((value) => typeof value === 'string')).toBe(true);
    // Without route scopes: scopes is null. The raw token works too.
    expect((await authorized(authorizers.verify(oidcAuthorizer(), token, undefined))).scopes).toBeNull();
  });

  it('is remembered: the next request answers at once, while audience and scopes are still checked per authorizer and route', async () => {
    const token = await oidc.clientCredentials(['pets/read']);
    await authorized(authorizers.verify(oidcAuthorizer(), token, []));
    const again = authorizers.verify(oidcAuthorizer(), token, ['pets/read']);
    expect(again).not.toBeInstanceOf(Promise);
    expect((await authorized(again)).scopes).toEqual(['pets/read']);
    expect((await refused(authorizers.verify(oidcAuthorizer(['urn:other']), token, []))).status).toBe(401);
    expect((await refused(authorizers.verify(oidcAuthorizer(), token, ['pets/write']))).status).toBe(403);
  });

  it('claims keep AWS shapes: numbers as written, lists and objects as Go prints them', async () => {
    const token = await signLocal({ aud: 'app', exp: 4102444800, email_verified: true, 'cognito:groups': ['admin', 'users'], address: { street: 'Main', zip: 1 }, nothing: null });
    const { claims } = await authorized(authorizers.verify(localAuthorizer(), token, undefined));
    expect(claims).toMatchObject({ exp: '4102444800', email_verified: 'true', 'cognito:groups': '[admin users]', address: 'map[street:Main zip:1]', nothing: '<nil>' });
  });
});

describe('the audience', () => {
  it('a token for another audience: 401 with the challenge AWS documents', async () => {
    const verdict = await refused(authorizers.verify(oidcAuthorizer(['urn:orders']), await oidc.clientCredentials(['pets/read']), undefined));
    expect(verdict).toMatchObject({ status: 401, error: 'the token does not have a valid audience' });
    expect(verdict.wwwAuthenticate).toBe(challenge('the token does not have a valid audience'));
  });

  it('an ID token matches on its aud, one of several configured', async () => {
    await authorized(authorizers.verify(oidcAuthorizer(['urn:orders', CLIENT_ID]), await oidc.idToken('alice'), undefined));
  });

  it('without aud, client_id must be one of the audiences; with aud, client_id is not looked at', async () => {
    expect((await authorized(authorizers.verify(localAuthorizer(['app']), await signLocal({ client_id: 'app', scope: 'x' }), undefined))).claims.client_id).toBe('app');
    expect((await refused(authorizers.verify(localAuthorizer(['app']), await signLocal({ client_id: 'web' }), undefined))).error).toBe('the token does not have a valid audience');
    expect((await refused(authorizers.verify(localAuthorizer(['app']), await signLocal({ aud: 'other', client_id: 'app' }), undefined))).error).toBe('the token does not have a valid audience');
    expect((await refused(authorizers.verify(localAuthorizer(['app']), await signLocal({}), undefined))).status).toBe(401);
  });
});

describe('times', () => {
  it('an expired token: 401, the challenge naming the route scopes', async () => {
    const expired = await oidc.idToken('bob', {}, { expiresAt: now() - 60 });
    const verdict = await refused(authorizers.verify(oidcAuthorizer([CLIENT_ID]), expired, ['pets/read']));
    expect(verdict).toMatchObject({ status: 401, error: 'the token has expired', wwwAuthenticate: challenge('the token has expired', 'pets/read') });
  });

  it('nbf or iat after now, or no exp: 401', async () => {
    for (const claims of [{ nbf: now() + 600 }, { iat: now() + 600 }, { exp: undefined }]) {
      expect((await refused(authorizers.verify(localAuthorizer(), await signLocal({ aud: 'app', ...claims }), undefined))).status).toBe(401);
    }
  });
});

describe('issuer and signature', () => {
  it('a token of another issuer: 401, without asking that issuer for its keys', async () => {
    const fetched = local.jwksFetches();
    const verdict = await refused(authorizers.verify({ issuer: localIss, audience: [RESOURCE] }, await oidc.clientCredentials(['pets/read']), undefined));
    expect(verdict).toMatchObject({ status: 401, error: 'issuer does not match' });
    expect(local.jwksFetches()).toBe(fetched);
  });

  it('the issuer is compared as written: a trailing slash is another issuer, yet discovery finds the keys', async () => {
    const issuer = `${local.origin}/tenant/`;
    const token = await local.key.sign({ iss: issuer, aud: 'app', exp: now() + 60 });
    await authorized(authorizers.verify({ issuer, audience: ['app'] }, token, undefined));
    expect((await refused(authorizers.verify({ issuer: `${local.origin}/tenant`, audience: ['app'] }, token, undefined))).error).toBe('issuer does not match');
  });

  it('a forged signature, an unknown kid, no kid, HMAC, EC and alg none: 401', async () => {
    const valid = await oidc.clientCredentials(['pets/read']);
    const { kid } = decodeProtectedHeader(valid);
    const claims = { iss: oidc.issuer, aud: RESOURCE, exp: now() + 60 };
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const cases: [string, string][] = [
      [await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(stranger), 'the token signature is invalid'],
      [await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: randomUUID() }).sign(stranger), 'the token kid does not match a key of the issuer'],
      [await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(stranger), 'the token kid does not match a key of the issuer'],
      [await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('shared-secret-of-32-bytes-or-more!')), 'the token signing algorithm is not supported'],
      [await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(ec), 'the token signing algorithm is not supported'],
      [`${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${valid.split('.')[1]}.`, 'the token signing algorithm is not supported'],
      ['not-a-jwt', 'the token is malformed'],
    ];
    for (const [token, description] of cases) {
      expect(await refused(authorizers.verify(oidcAuthorizer(), token, undefined))).toMatchObject({ status: 401, error: description, wwwAuthenticate: challenge(description) });
    }
  });
});

describe('route scopes', () => {
  it('a token with none of them: 403', async () => {
    const verdict = await refused(authorizers.verify(oidcAuthorizer(), await oidc.clientCredentials(['pets/read']), ['pets/write', 'pets/admin']));
    expect(verdict.status).toBe(403);
    expect(verdict.wwwAuthenticate).toMatch(/^Bearer scope="pets\/write pets\/admin" error="insufficient_scope"/);
  });

  it('scp as a list or a string counts as scope; a token with no scopes at all is refused too', async () => {
    expect((await authorized(authorizers.verify(localAuthorizer(), await signLocal({ aud: 'app', scp: ['a', 'b'] }), ['b', 'c']))).scopes).toEqual(['b']);
    expect((await authorized(authorizers.verify(localAuthorizer(), await signLocal({ aud: 'app', scp: 'a b' }), ['a']))).scopes).toEqual(['a']);
    expect((await refused(authorizers.verify(localAuthorizer(), await signLocal({ aud: 'app' }), ['a']))).status).toBe(403);
  });
});

describe('the identity source', () => {
  it('a missing or empty token: 401', async () => {
    for (const identity of [undefined, '', 'Bearer ', '   ']) {
      expect(await refused(authorizers.verify(oidcAuthorizer(), identity, ['pets/read']))).toMatchObject({
        status: 401, error: 'missing: token not provided', wwwAuthenticate: challenge('missing: token not provided', 'pets/read'),
      });
    }
  });

  it('is the Authorization header by default, or a named header or query string parameter', () => {
    const reader = { header: (name: string) => ({ authorization: 'Bearer h', 'x-token': 't' } as Record<string, string>)[name], querystring: (name: string) => (name === 'Token' ? 'q' : undefined) };
    expect(readJwtIdentity(jwtTokenSource(undefined)!, reader)).toBe('Bearer h');
    expect(readJwtIdentity(jwtTokenSource(['$request.header.X-Token'])!, reader)).toBe('t');
    expect(readJwtIdentity(jwtTokenSource(['$request.querystring.Token'])!, reader)).toBe('q');
    expect(jwtTokenSource(['$context.identity.sourceIp'])).toBeUndefined();
  });
});

describe('an issuer that cannot be asked', () => {
  it('unreachable, or a JWKS over 150000 bytes: 500, no challenge', async () => {
    for (const issuer of ['http://127.0.0.1:1', `${local.origin}/big`]) {
      const token = await local.key.sign({ iss: issuer, aud: 'app', exp: now() + 60 });
      const verdict = await refused(new JwtAuthorizers().verify({ issuer, audience: ['app'] }, token, undefined));
      expect(verdict.status).toBe(500);
      expect(verdict.wwwAuthenticate).toBeUndefined();
    }
  });
});

describe('a key set refetch that fails', () => {
  it('fails only the request that asked for an unknown key: the keys already known keep verifying', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'known', alg: 'RS256', use: 'sig' };
    let jwksCalls = 0;
    const server: Server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url?.endsWith('openid-configuration') === true) return res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
      jwksCalls += 1;
      // The second fetch (the refetch an unknown kid causes) fails.
      if (jwksCalls === 2) {
        res.statusCode = 503;
        return res.end('busy');
      }
      return res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const sign = (kid: string, n: number) => new SignJWT({ n }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setAudience('a').setExpirationTime('10m').sign(privateKey);
      const authorizers = new JwtAuthorizers({ jwksRefetchIntervalMs: 0 });
      const config = { issuer, audience: ['a'] };
      expect(await authorizers.verify(config, await sign('known', 1), undefined)).toHaveProperty('claims');
      expect(await authorizers.verify(config, await sign('unknown', 2), undefined)).toMatchObject({ status: 500 });
      expect(await authorizers.verify(config, await sign('known', 3), undefined)).toHaveProperty('claims');
    } finally {
      server.close();
    }
  });
});
