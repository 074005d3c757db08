// `archway token`: prints a token signed by Archway's own issuer for a user pool mapped to
// `local`. The signing key is read from the data directory (created there if Archway has not
// started yet), so it works whether or not the server runs; the server verifies with the same key.
import { LocalIssuer, localIssuerUrl } from '../auth/local-issuer.js';
import { tokenClaims } from '../auth/cognito-tokens.js';
import type { TokenCommandOptions } from '../options/token-options.js';

export async function runToken(options: TokenCommandOptions, out: (line: string) => void): Promise<void> {
  const issuer = LocalIssuer.open(options.dataDir);
  const claims = tokenClaims({
    issuer: localIssuerUrl(options.endpoint, options.poolId),
    poolId: options.poolId,
    clientId: options.clientCredentials ?? options.clientId,
    username: options.username,
    scopes: options.scopes,
    claims: options.claims,
    lifetimeSeconds: options.expiresInSeconds,
    now: Math.floor(Date.now() / 1000),
  });
  out(await issuer.sign(claims));
}
