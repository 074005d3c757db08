// The claims of the tokens a Cognito user pool issues, for Archway's own issuer (`archway token`):
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
// An ID token (`token_use: id`, `aud` = the app client, `cognito:username`), a user's access
// token (`token_use: access`, `client_id`, `username`, `scope`) and a client-credentials access
// token (machine to machine: no user, `sub` = the client id, resource-server scopes).
import { createHash, randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';

export interface TokenRequest {
  /** The pool's issuer URL (`iss`). */
  issuer: string;
  poolId: string;
  /** The app client (`aud` of an ID token, `client_id` of an access token). */
  clientId: string;
  /** A user's name; undefined for a client-credentials token. */
  username?: string;
  /** Scopes: with a user, an access token instead of an ID token. */
  scopes: readonly string[];
  /** More claims, or other values for Cognito's (custom attributes: `custom:role`). */
  claims: Readonly<Record<string, string>>;
  lifetimeSeconds: number;
  /** Epoch seconds. */
  now: number;
}

/** A user's `sub`: a UUID that stays the same for one username in one pool, as a Cognito user's does. */
function subOf(poolId: string, username: string): string {
  const hex = createHash('sha256').update(`${poolId}\n${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function tokenClaims(request: TokenRequest): JWTPayload {
  const times = { auth_time: request.now, iat: request.now, exp: request.now + request.lifetimeSeconds };
  const ids = { jti: randomUUID() };
  let claims: JWTPayload;
  if (request.username === undefined) {
    claims = {
      sub: request.clientId, token_use: 'access', scope: request.scopes.join(' '), ...times, iss: request.issuer,
      version: 2, ...ids, client_id: request.clientId,
    };
  } else {
    const session = { origin_jti: randomUUID(), event_id: randomUUID() };
    const sub = subOf(request.poolId, request.username);
    claims = request.scopes.length === 0
      ? { sub, iss: request.issuer, 'cognito:username': request.username, ...session, aud: request.clientId, token_use: 'id', ...times, ...ids }
      : {
        sub, iss: request.issuer, client_id: request.clientId, ...session, token_use: 'access', scope: request.scopes.join(' '), ...times, ...ids,
        username: request.username,
      };
  }
  return { ...claims, ...request.claims };
}
