// A COGNITO_USER_POOLS method's authorizer
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html):
// the token from the identity-source header (as sent, or after `Bearer `), verified against the
// issuer of one of the authorizer's pools (auth/user-pool-verifier.ts: remembered until its
// `exp`, so a known token costs a map lookup), then the method's rules (ID or access token,
// identityValidationExpression, scopes). Any failure is 401 UNAUTHORIZED `{"message":"Unauthorized"}`;
// a pool that cannot verify anything (no `--user-pool` mapping, its issuer unreachable) is 500
// AUTHORIZER_CONFIGURATION_ERROR. The claims reach `$context.authorizer.claims` and the Lambda
// proxy event. It runs before the resource policy, which must then explicitly Allow.
import type { Step } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import { AuthorizerConfigurationError, UnauthorizedError } from '../errors/gateway-error.js';
import { IssuerUnavailableError, type VerifiedToken } from '../../auth/user-pool-verifier.js';
import { refusalOf } from '../../auth/cognito-rules.js';

const BEARER = /^bearer\s+/i;

function tokenIn(value: string | undefined): string | undefined {
  const token = value?.trim().replace(BEARER, '');
  return token === '' ? undefined : token;
}

function admit(ctx: RestRoutedContext, verified: VerifiedToken): void {
  const refusal = refusalOf(verified.payload, ctx.plan.cognito!.rules);
  if (refusal !== undefined) throw new UnauthorizedError(undefined, { reason: refusal });
  ctx.authorize({ claims: verified.claims });
}

function refused(error: unknown): never {
  if (error instanceof IssuerUnavailableError) throw new AuthorizerConfigurationError(null, { reason: error.message, cause: error });
  throw new UnauthorizedError(undefined, { reason: (error as Error).message });
}

export const cognitoAuthorizer: Step<RestRoutedContext> = {
  name: 'cognito-authorizer',
  run(ctx) {
    const plan = ctx.plan.cognito!;
    if (plan.problem !== undefined) throw new AuthorizerConfigurationError(null, { reason: plan.problem });
    const token = tokenIn(ctx.header(plan.header));
    if (token === undefined) throw new UnauthorizedError(undefined, { reason: `no token in the ${plan.header} header` });
    const verifier = ctx.services.userPools;
    const known = verifier.remembered(token, plan.poolIds);
    if (known !== undefined) return admit(ctx, known);
    return verifier.verify(token, plan.poolIds).then((verified) => admit(ctx, verified), refused);
  },
};
