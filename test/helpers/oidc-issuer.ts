// A real OpenID Connect issuer for tests: oidc-provider on loopback (port 0), serving discovery,
// its JWKS and the token endpoint (client-credentials grant, JWT access tokens), and minting ID
// tokens through its own API. `rotate()` swaps in a provider with a new signing key at the same
// issuer URL, as a key rotation does. Always `await issuer.stop()`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'pets-app';
export const CLIENT_SECRET = 'pets-app-secret';
/** Another app client of the same issuer: its ID tokens have another `aud`. */
export const OTHER_CLIENT_ID = 'other-app';
/** The resource server whose scopes client-credentials tokens carry. */
export const RESOURCE = 'urn:pets';

export interface OidcIssuer {
  issuer: string;
  /** A signed access token from the token endpoint (client-credentials grant). */
  clientCredentials(scopes: readonly string[]): Promise<string>;
  /** An ID token for `sub` signed by the provider (its IdToken model), with extra claims. */
  idToken(sub: string, extra?: Record<string, unknown>, options?: { clientId?: string; expiresAt?: number }): Promise<string>;
  /** A new signing key (a new `kid`); tokens signed before keep verifying only while cached. */
  rotate(): void;
  /** How many times its JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

function newProvider(issuer: string): Provider {
  const key = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
  return new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
      scope: 'pets/read pets/write',
    }, { client_id: OTHER_CLIENT_ID, client_secret: 'other-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
    jwks: { keys: [key] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'pets/read pets/write', accessTokenFormat: 'jwt', audience: RESOURCE }),
      },
    },
    scopes: ['openid', 'pets/read', 'pets/write'],
    ttl: { ClientCredentials: 600, IdToken: 3600 },
    cookies: { keys: [randomUUID()] },
  });
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  let provider: Provider | undefined;
  let jwksFetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks') jwksFetches++;
    void provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = newProvider(issuer);
  return {
    issuer,
    async clientCredentials(scopes) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), resource: RESOURCE }),
      });
      const body = await response.json() as { access_token?: string; error_description?: string };
      if (body.access_token === undefined) throw new Error(`token endpoint: ${response.status} ${body.error_description ?? ''}`);
      return body.access_token;
    },
    async idToken(sub, extra = {}, { clientId = CLIENT_ID, expiresAt } = {}) {
      const client = await provider!.Client.find(clientId);
      const token = new provider!.IdToken({ sub }, { client });
      // The claims mask keeps `sub` for the openid scope.
      (token as unknown as { scope: string }).scope = 'openid';
      for (const [name, value] of Object.entries(extra)) token.set(name, value);
      return token.issue({ use: 'idtoken', ...(expiresAt === undefined ? {} : { expiresAt }) }) as Promise<string>;
    },
    rotate() {
      provider = newProvider(issuer);
    },
    jwksFetches: () => jwksFetches,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
