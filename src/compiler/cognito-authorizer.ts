// What a COGNITO_USER_POOLS method needs on each request, compiled once with its deployment
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html):
// the header the token comes in (the authorizer's identitySource, `method.request.header.Authorization`
// by default), the pools whose issuers may have signed it, the identityValidationExpression as a
// full-match pattern and the method's authorizationScopes.
import { parseIdentitySources } from '../auth/identity-sources.js';
import type { Authorizer, Method } from '../model/rest-api.js';
import { poolIdOf } from '../auth/user-pools.js';
import type { CognitoRules } from '../auth/cognito-rules.js';
import { compileSelectionPattern } from './selection-pattern.js';

export interface CognitoAuthorizerPlan {
  readonly authorizerName: string;
  /** The header holding the token, lower-case. */
  readonly header: string;
  /** The pools of the authorizer's providerARNs. */
  readonly poolIds: readonly string[];
  readonly rules: CognitoRules;
  /** Why the method cannot authorize anyone (its authorizer is missing or not a Cognito one): a 500. */
  readonly problem: string | undefined;
}

const DEFAULT_HEADER = 'authorization';

/** The plan of a COGNITO_USER_POOLS method; undefined for any other. */
export function compileCognitoAuthorizer(method: Method, authorizers: Readonly<Record<string, Authorizer>> | undefined): CognitoAuthorizerPlan | undefined {
  if (method.authorizationType !== 'COGNITO_USER_POOLS') return undefined;
  const id = method.authorizerId;
  const authorizer = id !== undefined && authorizers !== undefined && Object.hasOwn(authorizers, id) ? authorizers[id] : undefined;
  const scopes = method.authorizationScopes?.length ? Object.freeze([...method.authorizationScopes]) : undefined;
  if (authorizer === undefined || authorizer.type !== 'COGNITO_USER_POOLS') {
    const problem = authorizer === undefined ? `authorizer ${id ?? '(none)'} not found` : `authorizer ${authorizer.name} is ${authorizer.type}, not COGNITO_USER_POOLS`;
    return Object.freeze({ authorizerName: authorizer?.name ?? id ?? '', header: DEFAULT_HEADER, poolIds: [], rules: { scopes, audience: undefined }, problem });
  }
  const source = authorizer.identitySource?.trim();
  const [first] = parseIdentitySources(source);
  const header = source ? (first?.kind === 'header' ? first.name : undefined) : DEFAULT_HEADER;
  const poolIds = (authorizer.providerARNs ?? []).map(poolIdOf).filter((poolId): poolId is string => poolId !== undefined);
  const expression = authorizer.identityValidationExpression;
  return Object.freeze({
    authorizerName: authorizer.name,
    header: header ?? DEFAULT_HEADER,
    poolIds: Object.freeze(poolIds),
    rules: Object.freeze({
      scopes,
      // A pattern that is not a valid expression matches nothing: every ID token is refused.
      audience: expression ? (compileSelectionPattern(expression) ?? { test: () => false }) : undefined,
    }),
    problem: header === undefined ? `identity source ${source ?? ''} is not a header` : poolIds.length === 0 ? 'no user pool ARN among its providerARNs' : undefined,
  });
}
