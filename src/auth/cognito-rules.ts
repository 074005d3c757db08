// What a COGNITO_USER_POOLS method asks of a verified token
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html):
// without `authorizationScopes` an ID token (`token_use: id`), with scopes an access token
// (`token_use: access`) whose space-separated `scope` holds at least one of them; and when the
// authorizer has an identityValidationExpression, an `aud` it matches (so a Cognito access
// token, which has no `aud`, never passes one).
// Tokens of other OIDC issuers carry no `token_use`: Archway counts one as an access token when
// it has a `scope` (or `scp`, as some issuers write it) claim, and as an ID token otherwise.
import type { JWTPayload } from 'jose';
import type { SelectionPattern } from '../compiler/selection-pattern.js';
import { awsLogTime } from '../data-plane/pipeline/dates.js';

export interface CognitoRules {
  /** The method's authorizationScopes; undefined or empty: an ID token is needed. */
  readonly scopes: readonly string[] | undefined;
  /** identityValidationExpression, matched against the whole `aud`. */
  readonly audience: SelectionPattern | undefined;
}

/** Why the method refuses this token, or undefined when it is accepted. */
export function refusalOf(payload: JWTPayload, rules: CognitoRules): string | undefined {
  const tokenUse = payload.token_use;
  const granted = grantedScopes(payload);
  if (rules.scopes !== undefined && rules.scopes.length > 0) {
    if (tokenUse === undefined ? granted === undefined : tokenUse !== 'access') return 'the method has authorization scopes: an access token is needed';
    if (!rules.scopes.some((scope) => granted?.includes(scope))) return 'the token has none of the method\'s authorization scopes';
  } else if (tokenUse === undefined ? granted !== undefined : tokenUse !== 'id') {
    return 'the method has no authorization scopes: an ID token is needed';
  }
  // Matched against `aud` whatever the token: a Cognito access token has none, so it fails.
  if (rules.audience !== undefined) {
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!audiences.some((aud) => typeof aud === 'string' && rules.audience!.test(aud))) return 'the token\'s aud does not match the identityValidationExpression';
  }
  return undefined;
}

/** `scope` (space-separated, Cognito and OAuth 2.0) or `scp` (a list or a string); undefined when neither. */
function grantedScopes(payload: JWTPayload): string[] | undefined {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '');
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return undefined;
}

/**
 * The claims as `$context.authorizer.claims` and the Lambda proxy event show them: every value
 * a string. `exp` and `iat` as Java prints a date (`Wed Nov 06 07:36:54 UTC 2019`; observed in a
 * REST API's Lambda event, while `auth_time` stays a number); lists joined with commas and
 * objects as JSON (unverified).
 */
export function claimsAsStrings(payload: JWTPayload): Readonly<Record<string, string>> {
  const claims = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(payload)) {
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = awsLogTime(new Date(value * 1000));
    else if (typeof value === 'string') claims[name] = value;
    else if (Array.isArray(value)) claims[name] = value.map(String).join(',');
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return Object.freeze(claims);
}
