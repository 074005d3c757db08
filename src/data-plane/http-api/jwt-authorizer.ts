// `JWT` routes of HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
// the token from the authorizer's identity source verified against its issuer and audiences
// (auth/jwt-authorizer.ts: discovery, JWKS, `aud` or `client_id`, `exp`/`nbf`, the route's
// scopes); a refusal is 401 `{"message":"Unauthorized"}` with AWS's `www-authenticate`
// challenge, or 403 Forbidden for missing scopes. The claims reach the integration as
// `requestContext.authorizer.jwt = {claims, scopes}`.
import type { Step, StepResult } from '../pipeline/step.js';
import { isRefused, readJwtIdentity, type JwtVerdict } from '../../auth/jwt-authorizer.js';
import { AuthorizerConfigurationError } from '../errors/gateway-error.js';
import type { HttpRoutedContext } from './http-context.js';
import { HttpAnswerError } from './errors.js';
import { rawHeader } from '../pipeline/request-views.js';

function settle(ctx: HttpRoutedContext, verdict: JwtVerdict): void {
  if (isRefused(verdict)) {
    if (verdict.status === 500) throw new AuthorizerConfigurationError(null, { reason: `JWT authorizer: ${verdict.reason}` });
    const headers = verdict.wwwAuthenticate === undefined ? [] : ['www-authenticate', verdict.wwwAuthenticate];
    throw new HttpAnswerError(verdict.status === 401 ? 'UNAUTHORIZED' : 'ACCESS_DENIED', headers, `JWT authorizer: ${verdict.reason}`);
  }
  ctx.authorize({ jwt: { claims: verdict.claims, scopes: verdict.scopes } });
}

export const jwtRouteAuthorizer: Step<HttpRoutedContext> = {
  name: 'jwt-authorizer',
  run(ctx): StepResult {
    const jwt = ctx.plan.jwt as NonNullable<typeof ctx.plan.jwt>;
    // A repeated header is read joined (and so refused): never one copy checked and another forwarded.
    const token = readJwtIdentity(jwt.source, { header: (name) => rawHeader(ctx.rawHeaders, name, true), querystring: (name) => ctx.query.single[name] });
    const verdict = ctx.services.jwtAuthorizers.verify(jwt.config, token, ctx.plan.authorizationScopes);
    if (!(verdict instanceof Promise)) return settle(ctx, verdict);
    return verdict.then((settled) => settle(ctx, settled));
  },
};
