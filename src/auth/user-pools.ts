// Cognito user pools as Archway knows them: there is no Cognito here, so each pool an authorizer
// names (`providerARNs`, https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html) is
// mapped to an OIDC issuer by `--user-pool ARN_OR_ID=ISSUER_URL`, or to `local` (Archway's own
// issuer, local-issuer.ts). Pools are keyed by their id (`us-east-1_AbC123`), which already
// names the region; the ARN's account is not checked.

/** The issuer a pool mapped to `local` uses: Archway itself. */
export const LOCAL_ISSUER = 'local';

/** Where Archway's own issuer serves a pool: `{listener}/_archway/issuer/{poolId}`. */
export const LOCAL_ISSUER_PATH = '/_archway/issuer/';

/** A Cognito user pool id: `{region}_{letters and digits}`. */
const POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+$/;
const POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/(.+)$/;

/** The pool id of a user pool ARN or id; undefined when it is neither. */
export function poolIdOf(arnOrId: string): string | undefined {
  const id = POOL_ARN.exec(arnOrId)?.[1] ?? arnOrId;
  return POOL_ID.test(id) ? id : undefined;
}

/** One `--user-pool` mapping. */
export interface UserPoolMapping {
  readonly poolId: string;
  /** An http(s) issuer URL (its discovery document at `{issuer}/.well-known/openid-configuration`), or `local`. */
  readonly issuer: string;
}

/** `ARN_OR_ID=ISSUER_URL` (or `=local`), or the reason it is not one. */
export function parseUserPoolMapping(text: string): UserPoolMapping | string {
  const equals = text.indexOf('=');
  if (equals <= 0) return `expected ARN_OR_ID=ISSUER_URL (or =${LOCAL_ISSUER}), got '${text}'`;
  const poolId = poolIdOf(text.slice(0, equals).trim());
  if (poolId === undefined) return `'${text.slice(0, equals)}' is not a user pool id (us-east-1_AbC123) or ARN (arn:aws:cognito-idp:{region}:{account}:userpool/{id})`;
  const issuer = text.slice(equals + 1).trim();
  if (issuer === LOCAL_ISSUER) return { poolId, issuer };
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return `the issuer of ${poolId} must be an http(s) URL or ${LOCAL_ISSUER}, got '${issuer}'`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the issuer of ${poolId} must be an http(s) URL or ${LOCAL_ISSUER}, got '${issuer}'`;
  // The issuer is compared with `iss` as written: no trailing slash is added or removed.
  return { poolId, issuer };
}
